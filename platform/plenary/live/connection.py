"""Connecting: a bearer token in `auth` or the page's session cookie, or no connection.

Cross-site pages are stopped before this by the Origin allow-list (cors_allowed_origins);
clients without an Origin (apps, load generators) must still authenticate here.
"""

from __future__ import annotations

from typing import Any

from flask import request, session
from flask_socketio import ConnectionRefusedError, SocketIO

from plenary.auth.tokens import person_id_for_api_token
from plenary.extensions import db, redis_store
from plenary.identity import SESSION_KEY, clock
from plenary.live.adapter import connection_state
from plenary.models import Person
from plenary.rooms.join import leave_session


def identify(auth: Any) -> int | None:
    """The person id behind this handshake: the `auth` token first, else the cookie."""
    if isinstance(auth, dict) and auth.get("token") is not None:
        token = auth["token"]
        return person_id_for_api_token(db.reads, token) if isinstance(token, str) else None
    # manage_session=False: Flask opened the cookie session of the handshake request.
    person_id = session.get(SESSION_KEY)
    if isinstance(person_id, int) and db.reads.get(Person, person_id) is not None:
        return person_id
    return None


def on_connect(auth: Any = None) -> None:
    try:
        person_id = identify(auth)
    finally:
        db.remove()
    if person_id is None:
        raise ConnectionRefusedError(
            "unauthenticated",
            {"code": "unauthenticated", "message": "sign in first: a bearer token or a join link"},
        )
    state = connection_state()
    state["person_id"] = person_id
    state["sessions"] = set()


def on_disconnect(*_args: Any) -> None:
    """Counts the connection out of every room it joined."""
    state = connection_state()
    try:
        for session_id in list(state.get("sessions", ())):
            leave_session(
                redis_store.client, db.reads(), sid=request.sid, session_id=session_id,
                now=clock().now(), leave=lambda _room: None,
            )  # fmt: skip
    finally:
        state["sessions"] = set()
        db.remove()


def register(socketio: SocketIO) -> None:
    socketio.on_event("connect", on_connect)
    socketio.on_event("disconnect", on_disconnect)
