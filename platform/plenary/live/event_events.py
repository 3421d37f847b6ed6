"""event:join: the organizers' dashboard subscribes to an event's live attendance."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO, join_room

from plenary.extensions import db, redis_store
from plenary.live.adapter import event_handler
from plenary.live.schemas import EventJoin
from plenary.rooms.dashboard import follow_event


@event_handler(EventJoin)
def on_event_join(person_id: int, payload: EventJoin) -> dict[str, Any]:
    return follow_event(redis_store.client, db.session(), person_id=person_id,
                        slug=payload.event, enter=join_room)  # fmt: skip


def register(socketio: SocketIO) -> None:
    socketio.on_event("event:join", on_event_join)
