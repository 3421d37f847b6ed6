"""Certificate pages: the public verification page and the organizers' rule form."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from plenary.auth.roles import is_organizer
from plenary.certificates import issuing, rules, wire
from plenary.errors import NotFound
from plenary.events import schedule
from plenary.extensions import db
from plenary.identity import current_person
from plenary.models import Certificate

blueprint = Blueprint("certificate_pages", __name__)


@blueprint.get("/certificates/<serial>")
def verify(serial: str):
    """Shows only what the certificate states, and whether it still holds."""
    try:
        certificate = issuing.find_by_serial(db.session, serial)
    except NotFound:
        return render_template("certificates/unknown.html", person=current_person()), 404
    return render_template(
        "certificates/verify.html",
        certificate=wire.verification(certificate),
        person=current_person(),
    )


@blueprint.get("/organize/<slug>/certificates")
def organize(slug: str):
    event = schedule.get_event(db.session, slug)
    person = current_person()
    if person is None or not is_organizer(db.session, person.id, event.id):
        return render_template("certificates/organizers_only.html", person=person), 403
    counts = dict(
        db.session.execute(
            select(Certificate.revoked_at.is_(None), func.count())
            .where(Certificate.event_id == event.id)
            .group_by(Certificate.revoked_at.is_(None))
        ).all()
    )
    return render_template(
        "certificates/organize.html",
        event=event,
        rule=rules.rule_for(db.session, event),
        defaults=rules.DEFAULT_RULE,
        valid_count=counts.get(True, 0),
        revoked_count=counts.get(False, 0),
        person=person,
    )
