"""Who may enter a room and do what in it, checked on every action from SQL.

A role change (a moderator removed, a registration cancelled) counts from the next action,
not from the next reconnect.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as OrmSession

from plenary.auth.roles import can_moderate, session_role
from plenary.errors import Closed, Forbidden
from plenary.events.schedule import get_session
from plenary.models import EventSession


def room_access(db: OrmSession, person_id: int, session_id: int) -> tuple[EventSession, str]:
    """The session and the person's role in it; NotFound or Forbidden otherwise."""
    found = get_session(db, session_id)
    role = session_role(db, person_id, found)
    if role is None:
        raise Forbidden("you need a confirmed registration for this event to enter its rooms")
    return found, role


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
