"""Session room history over HTTP: chat pages for history views and clients catching up."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from plenary.api.openapi import operation
from plenary.errors import BadInput
from plenary.extensions import db
from plenary.identity import require_person
from plenary.rooms import chat

blueprint = Blueprint("rooms", __name__, url_prefix="/api/v1")


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadInput(f"{name}: an integer from {low} to {high}", field=name)
    return int(raw)


@blueprint.get("/sessions/<int:session_id>/messages")
@operation("Chat messages after a seq (not deleted), oldest first", tag="rooms", auth="cookie")
def list_messages(session_id: int):
    person = require_person()
    after_seq = _int_arg("after_seq", 0, 0, 2**31 - 1)
    limit = _int_arg("limit", 50, 1, chat.HISTORY_MAX_PAGE)
    page = chat.history(db.session, person_id=person.id, session_id=session_id,
                        after_seq=after_seq, limit=limit)  # fmt: skip
    return jsonify(page)
