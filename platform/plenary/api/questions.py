"""Q&A and polls over HTTP: the question list (sorted) and the session's polls."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from plenary.api.openapi import operation
from plenary.errors import BadInput
from plenary.extensions import db
from plenary.identity import require_person
from plenary.rooms import polls, questions

blueprint = Blueprint("questions", __name__, url_prefix="/api/v1")


@blueprint.get("/sessions/<int:session_id>/questions")
@operation("Questions with votes and status (attendees: visible ones; moderators: all)",
           tag="rooms", auth="cookie")  # fmt: skip
def list_questions(session_id: int):
    person = require_person()
    sort = request.args.get("sort", "top")
    if sort not in ("top", "recent"):
        raise BadInput("sort: top or recent", field="sort")
    found = questions.list_questions(db.session, person_id=person.id, session_id=session_id,
                                     sort=sort)  # fmt: skip
    return jsonify({"questions": found, "sort": sort})


@blueprint.get("/sessions/<int:session_id>/polls")
@operation("The session's polls with results, newest first (drafts: moderators only)",
           tag="rooms", auth="cookie")  # fmt: skip
def list_polls(session_id: int):
    person = require_person()
    return jsonify({"polls": polls.session_polls(db.session, person_id=person.id,
                                                 session_id=session_id)})  # fmt: skip
