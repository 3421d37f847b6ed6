"""The moderator console of one session: questions queue, chat moderation, polls.

Moderators and organizers only; the page holds no data itself: moderate.js joins the room
over Socket.IO (moderators also enter the moderators' room and see pending questions).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from plenary.auth.roles import can_moderate
from plenary.web.room_page import session_visitor

blueprint = Blueprint("moderate_page", __name__)


@blueprint.get("/sessions/<int:session_id>/moderate")
def moderate(session_id: int):
    found, person, role = session_visitor(session_id)
    if not can_moderate(role):
        abort(403)
    return render_template("moderate.html", found=found, event=found.event, person=person,
                           role=role)  # fmt: skip
