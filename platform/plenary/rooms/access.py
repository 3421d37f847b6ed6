"""Who may enter a room and do what in it, checked on every action from SQL.

A role change (a moderator removed, a registration cancelled) counts from the next action,
not from the next reconnect. The check is one statement: the session row and the caller's
rank in it, read together (callers add the columns their action needs, such as a mute).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session as OrmSession

from plenary.auth.roles import can_moderate, role_of_rank, session_rank
from plenary.errors import Closed, Forbidden, NotFound
from plenary.models import EventSession

PERSON_ID, SESSION_ID = bindparam("person_id"), bindparam("session_id")


def access_query(*columns: Any) -> Select:
    """SELECT the session, the caller's rank in it, and `columns`, for the parameters
    `person_id` and `session_id` (PERSON_ID, SESSION_ID in `columns`). Built once per
    module: constructing a statement costs more CPU than running it."""
    return select(EventSession, session_rank(PERSON_ID), *columns).where(
        EventSession.id == SESSION_ID
    )


def rank_query(*columns: Any) -> Select:
    """SELECT the caller's rank and `columns` for an existing session, without loading the
    session row as an ORM object: for actions that need no session setting (a Q&A vote)."""
    return select(session_rank(PERSON_ID).label("rank"), *columns).where(
        EventSession.id == SESSION_ID
    )


def ids(person_id: int, session_id: int) -> dict[str, int]:
    return {"person_id": person_id, "session_id": session_id}


_ROOM_ACCESS = access_query()


def checked(row: Any, session_id: int) -> tuple[EventSession, str]:
    """The session and role from a row of `access_query`; NotFound or Forbidden otherwise."""
    if row is None:
        raise NotFound(f"no session {session_id}", field="session_id")
    return row[0], _role(row[1])


def checked_rank(row: Any, session_id: int) -> str:
    """The role from a row of `rank_query`; NotFound or Forbidden as `checked`."""
    if row is None:
        raise NotFound(f"no session {session_id}", field="session_id")
    return _role(row.rank)


def _role(rank: int | None) -> str:
    role = role_of_rank(rank)
    if role is None:
        raise Forbidden("you need a confirmed registration for this event to enter its rooms")
    return role


def room_access(db: OrmSession, person_id: int, session_id: int) -> tuple[EventSession, str]:
    """The session and the person's role in it; NotFound or Forbidden otherwise."""
    row = db.execute(_ROOM_ACCESS, ids(person_id, session_id)).one_or_none()
    return checked(row, session_id)


def require_moderator(role: str) -> None:
    if not can_moderate(role):
        raise Forbidden("only the session's moderators and organizers may do this")


def require_chat_open(found: EventSession, now: datetime) -> None:
    """Chat is open unless switched off or the session has ended (or was cancelled)."""
    if not found.chat_enabled:
        raise Closed("chat is switched off for this session")
    status = found.status_at(now)
    if status in ("ended", "cancelled"):
        raise Closed(f"the session has {status}: chat is closed")
