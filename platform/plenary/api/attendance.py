"""Attendance for organizers (figures, per-minute series, CSV) and check-ins at the door."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from pydantic import Field

from plenary.api.openapi import operation
from plenary.api.validation import Strict, parse_body
from plenary.attendance import access, checkins, export, figures
from plenary.events import schedule
from plenary.extensions import db, redis_store
from plenary.identity import clock, require_person, settings

blueprint = Blueprint("attendance", __name__, url_prefix="/api/v1")


class CheckinBody(Strict):
    ticket: str = Field(min_length=1, max_length=2000)
    session_id: int | None = None


@blueprint.post("/events/<slug>/checkins")
@operation("Check a QR ticket in at the door (organizers, staff)", tag="attendance",
           body=CheckinBody, auth="bearer")  # fmt: skip
def check_in(slug: str):
    person = require_person()
    event = schedule.get_event(db.session, slug)
    body = parse_body(CheckinBody)
    result = checkins.do_check_in(
        db.session, event=event, ticket=body.ticket, session_id=body.session_id, by=person,
        secret_key=settings().secret_key, now=clock().now(),
    )  # fmt: skip
    return jsonify(result)


@blueprint.get("/events/<slug>/attendance")
@operation("Live attendance of every session and the event's totals (organizers)",
           tag="attendance", auth="cookie")  # fmt: skip
def event_attendance(slug: str):
    event = schedule.get_event(db.session, slug)
    access.check_organizer(db.session, require_person(), event)
    return jsonify(figures.event_figures(redis_store.client, db.session, event))


@blueprint.get("/sessions/<int:session_id>/attendance")
@operation("One session's attendance with its per-minute series (organizers, moderators)",
           tag="attendance", auth="cookie")  # fmt: skip
def session_attendance(session_id: int):
    found = schedule.get_session(db.session, session_id)
    access.check_session_reader(db.session, require_person(), found)
    now = clock().now()
    return jsonify(
        {
            **figures.session_figures(redis_store.client, db.session, found.id),
            "title": found.title,
            "status": found.status_at(now),
            "series": figures.session_series(redis_store.client, db.session, found, now),
        }
    )


@blueprint.get("/events/<slug>/attendance.csv")
@operation("Attendance per person per session, as CSV (organizers)", tag="attendance",
           auth="cookie")  # fmt: skip
def attendance_csv(slug: str):
    event = schedule.get_event(db.session, slug)
    access.check_organizer(db.session, require_person(), event)
    body = export.attendance_csv(redis_store.client, db.session, event)
    filename = f"attendance-{event.slug}.csv"
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
