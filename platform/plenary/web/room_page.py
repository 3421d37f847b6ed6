"""The attendee's room page: the stream, the chat and the live count of one session.

Sign-in is the join link's cookie; the page itself holds no chat data: room.js joins over
Socket.IO and renders everything it receives as text.
"""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template

from plenary.auth.roles import session_role
from plenary.errors import NotFound
from plenary.events import schedule
from plenary.extensions import db
from plenary.identity import clock, current_person
from plenary.models import EventSession, Person

blueprint = Blueprint("room_page", __name__)


def session_visitor(session_id: int) -> tuple[EventSession, Person, str | None]:
    """The session (404 if unknown), the signed-in person (a 401 sign-in page otherwise) and
    their role in it: what every page of one session starts with."""
    try:
        found = schedule.get_session(db.session, session_id)
    except NotFound:
        abort(404)
    person = current_person()
    if person is None:
        abort(make_response(render_template("room_signin.html", found=found, person=None), 401))
    return found, person, session_role(db.session, person.id, found)


@blueprint.get("/sessions/<int:session_id>")
def room(session_id: int):
    found, person, role = session_visitor(session_id)
    if role is None:
        return render_template("room_signin.html", found=found, person=person), 403
    languages = [code for code in found.languages if code in found.streams] or list(found.streams)
    return render_template(
        "room.html",
        found=found,
        event=found.event,
        person=person,
        role=role,
        status=found.status_at(clock().now()),
        stream_languages=languages,
    )
