"""Events and their sessions, readable by anyone."""

from __future__ import annotations

from flask import Blueprint, jsonify

from plenary.api.openapi import operation
from plenary.events import schedule, wire
from plenary.extensions import db
from plenary.identity import clock

blueprint = Blueprint("events", __name__, url_prefix="/api/v1")


@blueprint.get("/events")
@operation("List the events", tag="events")
def list_events():
    return jsonify({"events": [wire.event_summary(e) for e in schedule.list_events(db.session)]})


@blueprint.get("/events/<slug>")
@operation("One event with its days, tracks and languages", tag="events")
def get_event(slug: str):
    return jsonify(wire.event_detail(schedule.get_event(db.session, slug)))


@blueprint.get("/events/<slug>/sessions")
@operation("The sessions of an event, in time order, with their live status", tag="events")
def list_sessions(slug: str):
    event = schedule.get_event(db.session, slug)
    now = clock().now()
    sessions = schedule.sessions_of(db.session, event)
    return jsonify({"sessions": [wire.session_info(found, now) for found in sessions]})


@blueprint.get("/sessions/<int:session_id>")
@operation("One session", tag="events")
def get_session(session_id: int):
    found = schedule.get_session(db.session, session_id)
    return jsonify(wire.session_info(found, clock().now()))
