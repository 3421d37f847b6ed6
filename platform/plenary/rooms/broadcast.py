"""How room events leave the server: one function, called only after the commit.

`emit_room_event` is the single place a room event is emitted, so that a coalescing layer
(`room:batch`, see CONTRACT.md) can wrap it without touching any caller.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy.orm import Session as OrmSession

from plenary.db import after_commit
from plenary.extensions import socketio
from plenary.rooms.names import moderators_room, session_room


def emit_room_event(
    session_id: int, event: str, payload: dict[str, Any], *, moderators_only: bool = False
) -> None:
    """Sends one room event to everyone in the session's room (or only its moderators).

    Through the Redis message queue this reaches every web node; the payload is encoded once
    per broadcast, whatever the room's size.
    """
    room = moderators_room(session_id) if moderators_only else session_room(session_id)
    socketio.emit(event, payload, to=room)


def emit_after_commit(
    db: OrmSession,
    session_id: int,
    event: str,
    payload: dict[str, Any],
    *,
    moderators_only: bool = False,
) -> None:
    """Queues a room event on the transaction: sent once it commits, never if it rolls back."""
    after_commit(
        db, partial(emit_room_event, session_id, event, payload, moderators_only=moderators_only)
    )
