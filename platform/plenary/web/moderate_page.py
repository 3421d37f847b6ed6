"""The moderator console of one session: questions queue, chat moderation, polls.

Moderators and organizers only; the page holds no data itself: moderate.js joins the room
over Socket.IO (moderators also enter the moderators' room and see pending questions).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from plenary.auth.roles import can_moderate, session_role
from plenary.errors import NotFound
from plenary.events import schedule
from plenary.extensions import db
from plenary.identity import current_person

blueprint = Blueprint("moderate_page", __name__)


@blueprint.get("/sessions/<int:session_id>/moderate")
def moderate(session_id: int):
    try:
        found = schedule.get_session(db.session, session_id)
    except NotFound:
        abort(404)
    person = current_person()
    if person is None:
        return render_template("room_signin.html", found=found, person=None), 401
    role = session_role(db.session, person.id, found)
    if not can_moderate(role):
        abort(403)
    return render_template("moderate.html", found=found, event=found.event, person=person,
                           role=role)  # fmt: skip
