"""Entering and leaving a session room: the snapshot a client starts from.

Subscribe, then snapshot (Zulip's order): the caller's `enter` puts the connection in the
room before anything is read, so every event committed after the read reaches it live and
every event before it is in the snapshot or in `missed`. Overlaps are deduplicated by `seq`
on the client. The parts every joiner shares come from this node's cache (rooms/snapshots,
which explains why that keeps the guarantee); the role and `missed` are read per join.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import joinedload

from plenary.auth.roles import can_moderate
from plenary.events.wire import session_info
from plenary.models import EventSession
from plenary.rooms import access, chat, presence, room_log, sequence
from plenary.rooms.names import moderators_room, session_room
from plenary.rooms.snapshots import snapshots


def visible_questions(db: OrmSession, session_id: int, role: str) -> list[dict[str, Any]]:
    """The questions this role may see (moderators: every status), pinned first, then top."""
    from plenary.rooms import questions

    return questions.visible_questions(db, session_id, role)


# The track comes with the access row: the snapshot's session info names it.
_JOIN_ACCESS = access.access_query().options(joinedload(EventSession.track))


def room_parts(client: redis.Redis, db: OrmSession, session_id: int) -> dict[str, Any]:
    """What every joiner of the session is sent alike (cached per node in `snapshots`)."""
    return {
        "seq": sequence.latest_seq(db, session_id),
        "chat": chat.recent_messages(db, session_id),
        "questions_public": visible_questions(db, session_id, "attendee"),
        "questions_all": visible_questions(db, session_id, "moderator"),
        "attendance": presence.attendance(client, db, session_id),
    }


def join_session(
    client: redis.Redis,
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    since_seq: int | None,
    now: datetime,
    enter: Callable[[str], None],
    sid: str,
) -> dict[str, Any]:
    """Checks the person may enter, enters the rooms, and returns the join snapshot."""
    row = db.execute(_JOIN_ACCESS, access.ids(person_id, session_id)).unique().one_or_none()
    found, role = access.checked(row, session_id)
    enter(session_room(session_id))
    if can_moderate(role):
        enter(moderators_room(session_id))
    presence.arrive(client, sid=sid, person_id=person_id, session_id=session_id, now=now)
    missed, resync = [], False
    if since_seq is not None:
        missed, resync = room_log.missed_since(db, session_id, since_seq)
    room = snapshots.get(session_id, lambda: room_parts(client, db, session_id))
    snapshot = {
        "session": session_info(found, now),
        "role": role,
        "seq": room["seq"],
        "chat": room["chat"],
        "questions": room["questions_all" if can_moderate(role) else "questions_public"],
        "attendance": room["attendance"],
        "missed": missed,
        "resync": resync,
    }
    if missed:
        snapshot["seq"] = max(snapshot["seq"], missed[-1][1]["seq"])
    presence.announce(client, db, session_id, now)
    db.rollback()  # read-only: end the transaction, hold no locks or snapshot
    return snapshot


def leave_session(
    client: redis.Redis,
    db: OrmSession,
    *,
    sid: str,
    session_id: int,
    now: datetime,
    leave: Callable[[str], None],
) -> None:
    """Leaves both rooms and counts the connection out (a repeated leave changes nothing)."""
    leave(session_room(session_id))
    leave(moderators_room(session_id))
    presence.depart(client, sid=sid, session_id=session_id, now=now)
    presence.announce(client, db, session_id, now)
    db.rollback()
