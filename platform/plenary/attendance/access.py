"""Who may read attendance: organizers of the event; for one session, also its moderators."""

from __future__ import annotations

from sqlalchemy.orm import Session as OrmSession

from plenary.auth.roles import can_moderate, is_organizer, session_role
from plenary.errors import Forbidden
from plenary.models import Event, EventSession, Person


def check_organizer(db: OrmSession, person: Person, event: Event) -> None:
    if not is_organizer(db, person.id, event.id):
        raise Forbidden("only the event's organizers see its attendance")


def check_session_reader(db: OrmSession, person: Person, found: EventSession) -> None:
    if not can_moderate(session_role(db, person.id, found)):
        raise Forbidden("only organizers and this session's moderators see its attendance")
