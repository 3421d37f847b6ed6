"""Certificates: public verification, the owner's download, organizers' rule and revocation."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from pydantic import Field, StrictInt
from sqlalchemy.exc import IntegrityError

from plenary.api.openapi import operation
from plenary.api.validation import Strict, parse_body
from plenary.auth.roles import is_organizer
from plenary.certificates import files, issuing, rules, runs, wire
from plenary.errors import Forbidden
from plenary.events import schedule
from plenary.extensions import db
from plenary.identity import clock, current_person, require_person, settings
from plenary.models import Event, Person

blueprint = Blueprint("certificates", __name__, url_prefix="/api/v1")


class RuleBody(Strict):
    threshold_minutes: StrictInt = Field(ge=1, le=100_000)
    min_sessions: StrictInt = Field(ge=0, le=1_000)


class RevokeBody(Strict):
    reason: str = Field(default="", max_length=500)


def require_organizer(event: Event) -> Person:
    person = require_person()
    if not is_organizer(db.session, person.id, event.id):
        raise Forbidden("only the event's organizers may do this")
    return person


@blueprint.get("/certificates/<serial>")
@operation("Verify a certificate by its serial (anyone)", tag="certificates")
def verify(serial: str):
    return jsonify(wire.verification(issuing.find_by_serial(db.session, serial)))


@blueprint.get("/certificates/<serial>/pdf")
@operation(
    "Download one's own certificate (404 for anyone else)",
    tag="certificates",
    auth="cookie",
    responses={200: "application/pdf"},
)
def download(serial: str):
    try:
        pdf, name = _owned_pdf(serial)
    except IntegrityError:  # a worker stored the same certificate meanwhile: read it
        pdf, name = _owned_pdf(serial)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _owned_pdf(serial: str) -> tuple[bytes, str]:
    with db.transaction() as session:
        certificate = issuing.owned_certificate(session, serial, current_person())
        pdf = files.pdf_of(
            session, certificate, public_url=settings().public_url, now=clock().now()
        )
        return pdf, f"certificate-{certificate.serial}.pdf"


@blueprint.get("/me/certificates")
@operation("The signed-in person's certificates", tag="certificates", auth="cookie")
def my_certificates():
    person = require_person()
    found = issuing.certificates_of(db.session, person)
    return jsonify({"certificates": [wire.owner_view(c) for c in found]})


@blueprint.get("/events/<slug>/certificate-rule")
@operation("The event's certificate rule (organizers)", tag="certificates", auth="bearer")
def get_rule(slug: str):
    event = schedule.get_event(db.session, slug)
    require_organizer(event)
    return jsonify(rules.rule_for(db.session, event).to_dict())


@blueprint.put("/events/<slug>/certificate-rule")
@operation(
    "Set who earns a certificate (organizers)", tag="certificates", body=RuleBody, auth="bearer"
)
def put_rule(slug: str):
    event = schedule.get_event(db.session, slug)
    person = require_organizer(event)
    body = parse_body(RuleBody)
    with db.transaction() as session:
        rule = rules.set_rule(
            session,
            event,
            threshold_minutes=body.threshold_minutes,
            min_sessions=body.min_sessions,
            by_person_id=person.id,
            now=clock().now(),
        )
    return jsonify(rule.to_dict())


@blueprint.post("/events/<slug>/certificates")
@operation(
    "Issue certificates to everyone newly eligible, render and email them (organizers)",
    tag="certificates",
    auth="bearer",
    responses={202: "the job: poll GET /api/v1/jobs/<job_id>"},
)
def start_run(slug: str):
    event = schedule.get_event(db.session, slug)
    person = require_organizer(event)
    with db.transaction() as session:
        job = runs.start_run(session, event, by=person, now=clock().now())
        job_id = job.id
    return jsonify({"job_id": job_id}), 202


@blueprint.post("/certificates/<serial>/revoke")
@operation(
    "Revoke a certificate (the event's organizers)",
    tag="certificates",
    body=RevokeBody,
    auth="bearer",
)
def revoke(serial: str):
    certificate = issuing.find_by_serial(db.session, serial)
    person = require_organizer(certificate.event)
    body = parse_body(RevokeBody) if request.content_length else RevokeBody()
    with db.transaction() as session:
        issuing.revoke(session, certificate, by=person, reason=body.reason, now=clock().now())
        result = wire.verification(certificate)
    return jsonify(result)
