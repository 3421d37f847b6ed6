"""How room events leave the server: one function, called only after the commit.

`emit_room_event` is the single place a room event is emitted. With batching on (the
default, ROOM_BATCH_MS=150) it goes through this process's `RoomCoalescer`, which sends
the first event of a quiet window at once and packs what follows into one `room:batch`
frame (CONTRACT.md); ROOM_BATCH_MS=0 emits every event alone.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy.orm import Session as OrmSession

from plenary.db import after_commit
from plenary.extensions import socketio
from plenary.rooms.names import moderators_room, session_room
from plenary.rooms.room_batch import RoomCoalescer

_coalescer: RoomCoalescer | None = None


def _send(event: str, payload: dict[str, Any], room: str) -> None:
    socketio.emit(event, payload, to=room)


def _spawn_later(delay: float, fn) -> None:
    def later() -> None:
        socketio.sleep(delay)
        fn()

    socketio.start_background_task(later)


def configure_batching(window_ms: float) -> None:
    """Sets this process's batching window (0: off). Called by the app factory."""
    global _coalescer
    _coalescer = RoomCoalescer(window_ms / 1000, _send, _spawn_later) if window_ms > 0 else None


def emit_room_event(
    session_id: int, event: str, payload: dict[str, Any], *, moderators_only: bool = False
) -> None:
    """Sends one room event to everyone in the session's room (or only its moderators).

    Through the Redis message queue this reaches every web node; the payload is encoded once
    per broadcast (or per batch), whatever the room's size.
    """
    room = moderators_room(session_id) if moderators_only else session_room(session_id)
    if _coalescer is None:
        _send(event, payload, room)
    else:
        _coalescer.emit(session_id, room, event, payload)


def emit_room_events(session_id: int, events: list[list[Any]]) -> None:
    """Sends several room events of one change to the session's room, in one frame when
    batching is on and the room was quiet (else queued together for the room's flush)."""
    room = session_room(session_id)
    if _coalescer is None:
        for event, payload in events:
            _send(event, payload, room)
    else:
        _coalescer.emit_many(session_id, room, events)


def emit_all_after_commit(db: OrmSession, session_id: int, events: list[list[Any]]) -> None:
    """Queues several room events on the transaction, sent together once it commits."""
    after_commit(db, partial(emit_room_events, session_id, events))


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
