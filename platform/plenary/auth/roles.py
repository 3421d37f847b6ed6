"""Roles and what each may do, decided on the server from SQL, never from the client."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session as OrmSession

from plenary.models import EventSession, Person, Registration, RoleGrant

# The strongest role wins when a person holds several.
RANK = {"organizer": 4, "moderator": 3, "staff": 2, "speaker": 2, "attendee": 1}


def grant_role(
    db: OrmSession, person: Person, event_id: int, role: str, session_id: int | None = None
) -> RoleGrant:
    grant = db.scalar(
        select(RoleGrant).where(
            RoleGrant.person_id == person.id,
            RoleGrant.event_id == event_id,
            RoleGrant.role == role,
            RoleGrant.session_id.is_(None)
            if session_id is None
            else RoleGrant.session_id == session_id,
        )
    )
    if grant is None:
        grant = RoleGrant(person=person, event_id=event_id, role=role, session_id=session_id)
        db.add(grant)
        db.flush()
    return grant


def event_roles(db: OrmSession, person_id: int, event_id: int) -> set[str]:
    """Roles held for the whole event (session-scoped grants excluded)."""
    rows = db.scalars(
        select(RoleGrant.role).where(
            RoleGrant.person_id == person_id,
            RoleGrant.event_id == event_id,
            RoleGrant.session_id.is_(None),
        )
    )
    return set(rows)


def is_organizer(db: OrmSession, person_id: int, event_id: int) -> bool:
    return "organizer" in event_roles(db, person_id, event_id)


def session_role(db: OrmSession, person_id: int, session: EventSession) -> str | None:
    """The person's role in one session, or None when they may not enter it at all.

    Event-wide grants count for every session; a confirmed registration makes an attendee.
    """
    grants = set(
        db.scalars(
            select(RoleGrant.role).where(
                RoleGrant.person_id == person_id,
                RoleGrant.event_id == session.event_id,
                or_(RoleGrant.session_id.is_(None), RoleGrant.session_id == session.id),
            )
        )
    )
    registered = db.scalar(
        select(Registration.id).where(
            Registration.person_id == person_id,
            Registration.event_id == session.event_id,
            Registration.status == "confirmed",
        )
    )
    if registered:
        grants.add("attendee")
    if not grants:
        return None
    return max(grants, key=RANK.__getitem__)


def can_moderate(role: str | None) -> bool:
    return role in ("organizer", "moderator")
