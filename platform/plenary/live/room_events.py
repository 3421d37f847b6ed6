"""session:join and session:leave."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_socketio import SocketIO, join_room, leave_room

from plenary.extensions import db, redis_store
from plenary.identity import clock
from plenary.live.adapter import connection_state, event_handler
from plenary.live.schemas import SessionJoin, SessionLeave
from plenary.rooms import presence
from plenary.rooms.join import join_session, leave_session


@event_handler(SessionJoin)
def on_join(person_id: int, payload: SessionJoin) -> dict[str, Any]:
    presence.ensure_refresher(current_app._get_current_object())
    snapshot = join_session(
        redis_store.client,
        db.reads(),
        person_id=person_id,
        session_id=payload.session_id,
        since_seq=payload.since_seq,
        now=clock().now(),
        enter=join_room,
        sid=request.sid,
    )
    connection_state()["sessions"].add(payload.session_id)
    return snapshot


@event_handler(SessionLeave)
def on_leave(person_id: int, payload: SessionLeave) -> dict[str, Any]:
    joined = connection_state()["sessions"]
    if payload.session_id in joined:
        joined.discard(payload.session_id)
        leave_session(
            redis_store.client, db.reads(), sid=request.sid, session_id=payload.session_id,
            now=clock().now(), leave=leave_room,
        )  # fmt: skip
    return {}


def register(socketio: SocketIO) -> None:
    socketio.on_event("session:join", on_join)
    socketio.on_event("session:leave", on_leave)
