"""Registrations over JSON: submit (anyone), read (owner, organizers), cancel (owner), import."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from plenary.api.openapi import operation
from plenary.api.validation import parse_body
from plenary.auth.roles import is_organizer
from plenary.dispatch import enqueue_after_commit
from plenary.errors import BadInput, Forbidden
from plenary.events.schedule import get_event
from plenary.extensions import db
from plenary.identity import clock, require_person, settings
from plenary.jobs.service import create_job
from plenary.mail.outbox import emails_of_event
from plenary.models import OUTBOX_STATUSES
from plenary.registration import csv_import, service
from plenary.registration.schema import RegistrationInput

blueprint = Blueprint("registrations", __name__, url_prefix="/api/v1")

IMPORT_TASK = "plenary.registration.import"


@blueprint.post("/events/<slug>/registrations")
@operation(
    "Register for an event (processed asynchronously; the same email gives the same id)",
    tag="registrations", body=RegistrationInput, responses={202: "accepted, pending"},
)  # fmt: skip
def create(slug: str):
    data = parse_body(RegistrationInput)
    with db.transaction() as session:
        event = get_event(session, slug)
        registration, _created = service.register(session, event, data, now=clock().now())
        answer = {"id": registration.id, "status": registration.status}
    return jsonify(answer), 202


@blueprint.get("/registrations/<int:registration_id>")
@operation("One registration (its person or the event's organizers)", tag="registrations",
           auth="cookie")  # fmt: skip
def read(registration_id: int):
    person = require_person()
    registration = service.readable_registration(db.session, registration_id, person)
    return jsonify(service.registration_json(registration))


@blueprint.delete("/registrations/<int:registration_id>")
@operation("Cancel one's own registration (frees a seat for the waiting list)",
           tag="registrations", auth="cookie")  # fmt: skip
def cancel(registration_id: int):
    person = require_person()
    with db.transaction() as session:
        registration = service.own_registration(session, registration_id, person)
        service.cancel_registration(session, registration, now=clock().now(), settings=settings())
        answer = service.registration_json(registration)
    return jsonify(answer)


@blueprint.post("/events/<slug>/registrations/import")
@operation("Import registrations from a CSV file (multipart field `file`, at most 5 MB)",
           tag="registrations", auth="cookie", responses={202: "job started"})  # fmt: skip
def import_registrations(slug: str):
    person = require_person()
    event = get_event(db.session, slug)
    if not is_organizer(db.session, person.id, event.id):
        raise Forbidden("only organizers import registrations")
    upload = request.files.get("file")
    if upload is None:
        raise BadInput("send the CSV as multipart form field `file`", field="file")
    data = upload.read(csv_import.MAX_BYTES + 1)
    csv_import.check_upload(data)
    with db.transaction() as session:
        job = create_job(session, "registration_import", created_by=person, now=clock().now(),
                         event_id=event.id, payload=data)  # fmt: skip
        enqueue_after_commit(session, IMPORT_TASK, job.id)
        job_id = job.id
    return jsonify({"job_id": job_id}), 202


@blueprint.get("/events/<slug>/emails")
@operation("The event's emails, e.g. ?status=failed (organizers)", tag="registrations",
           auth="cookie")  # fmt: skip
def list_emails(slug: str):
    person = require_person()
    event = get_event(db.session, slug)
    if not is_organizer(db.session, person.id, event.id):
        raise Forbidden("only organizers see the event's emails")
    status = request.args.get("status") or None
    if status is not None and status not in OUTBOX_STATUSES:
        raise BadInput(f"status must be one of {', '.join(OUTBOX_STATUSES)}", field="status")
    rows = emails_of_event(db.session, event.id, status)
    return jsonify({"emails": [_email_json(row) for row in rows]})


def _email_json(row) -> dict:
    def iso(value):
        return value.isoformat().replace("+00:00", "Z") if value else None

    return {
        "id": row.id, "kind": row.kind, "to": row.to_address, "subject": row.subject,
        "status": row.status, "attempts": row.attempts, "last_error": row.last_error,
        "created_at": iso(row.created_at), "sent_at": iso(row.sent_at),
    }  # fmt: skip
