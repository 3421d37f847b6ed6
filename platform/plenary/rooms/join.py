"""Entering and leaving a session room: the snapshot a client starts from.

Subscribe, then snapshot (Zulip's order): the caller's `enter` puts the connection in the
room before anything is read, so every event committed after the read reaches it live and
every event before it is in the snapshot or in `missed`. Overlaps are deduplicated by `seq`
on the client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis
from sqlalchemy.orm import Session as OrmSession

from plenary.auth.roles import can_moderate
from plenary.events.wire import session_info
from plenary.rooms import access, chat, presence, room_log, sequence
from plenary.rooms.names import moderators_room, session_room


def visible_questions(db: OrmSession, session_id: int, role: str) -> list[dict[str, Any]]:
    """The questions this role may see (moderators: every status), pinned first, then top."""
    from plenary.rooms import questions

    return questions.visible_questions(db, session_id, role)


def join_session(
    client: redis.Redis,
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    since_seq: int | None,
    now: datetime,
    enter: Callable[[str], None],
    first_join: bool = True,
) -> dict[str, Any]:
    """Checks the person may enter, enters the rooms, and returns the join snapshot."""
    found, role = access.room_access(db, person_id, session_id)
    enter(session_room(session_id))
    if can_moderate(role):
        enter(moderators_room(session_id))
    if first_join:
        presence.arrive(client, session_id, person_id)
    missed, resync = [], False
    if since_seq is not None:
        missed, resync = room_log.missed_since(db, session_id, since_seq)
    snapshot = {
        "session": session_info(found, now),
        "role": role,
        "seq": sequence.latest_seq(db, session_id),
        "chat": chat.recent_messages(db, session_id),
        "questions": visible_questions(db, session_id, role),
        "attendance": presence.attendance(client, session_id),
        "missed": missed,
        "resync": resync,
    }
    if missed:
        snapshot["seq"] = max(snapshot["seq"], missed[-1][1]["seq"])
    db.rollback()  # read-only: end the transaction, hold no locks or snapshot
    if first_join:
        presence.announce(client, session_id)
    return snapshot


def leave_session(
    client: redis.Redis, *, person_id: int, session_id: int, leave: Callable[[str], None]
) -> None:
    """Leaves both rooms and counts the person out (once per joined connection)."""
    leave(session_room(session_id))
    leave(moderators_room(session_id))
    presence.depart(client, session_id, person_id)
    presence.announce(client, session_id)
