"""The organizers' live dashboard: attendance per session, per minute and by country."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template

from plenary.auth.roles import is_organizer
from plenary.events import schedule
from plenary.extensions import db
from plenary.identity import clock, current_person

blueprint = Blueprint("organize", __name__)


@blueprint.get("/organize/<slug>")
def dashboard(slug: str):
    event = schedule.get_event(db.session, slug)
    person = current_person()
    if person is None:
        abort(401, "Sign in with your join link first.")
    if not is_organizer(db.session, person.id, event.id):
        abort(403, "Only the event's organizers see this page.")
    sessions = schedule.sessions_of(db.session, event)
    now = clock().now()
    live = [found for found in sessions if found.status_at(now) == "live"]
    selected = (live or sessions or [None])[0]
    return render_template(
        "organize.html",
        event=event,
        sessions=sessions,
        selected=selected,
        zone=ZoneInfo(event.timezone),
        now=now,
        person=person,
    )
