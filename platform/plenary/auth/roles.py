"""Roles and what each may do, decided on the server from SQL, never from the client."""

from __future__ import annotations

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session as OrmSession

from plenary.models import EventSession, Person, Registration, RoleGrant

# The strongest role wins when a person holds several (staff above speaker: staff may also
# check people in, a speaker has no power an attendee lacks).
ROLES_WEAKEST_FIRST = ("attendee", "speaker", "staff", "moderator", "organizer")
RANK = {role: rank for rank, role in enumerate(ROLES_WEAKEST_FIRST, start=1)}
ROLE_OF_RANK = {rank: role for role, rank in RANK.items()}


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


def session_rank(person_id: int, session: type[EventSession] | EventSession = EventSession):
    """SQL for the person's strongest rank in a session (0: may not enter), as a scalar
    subquery correlated with `session` (the EventSession entity, or one loaded row).

    Event-wide grants count for every session; a confirmed registration makes an attendee.
    One expression, so that the room access check reads session and role in one statement.
    """
    event_id, session_id = session.event_id, session.id
    granted = (
        select(func.max(case(RANK, value=RoleGrant.role, else_=0)))
        .where(
            RoleGrant.person_id == person_id,
            RoleGrant.event_id == event_id,
            or_(RoleGrant.session_id.is_(None), RoleGrant.session_id == session_id),
        )
        .scalar_subquery()
    )
    registered = exists().where(
        Registration.person_id == person_id,
        Registration.event_id == event_id,
        Registration.status == "confirmed",
    )
    attendee = case((registered, RANK["attendee"]), else_=0)
    return case((granted > attendee, granted), else_=attendee)


def role_of_rank(rank: int | None) -> str | None:
    """The role a rank from `session_rank` stands for (the strongest of that rank)."""
    return ROLE_OF_RANK.get(rank or 0)


def session_role(db: OrmSession, person_id: int, session: EventSession) -> str | None:
    """The person's role in one session, or None when they may not enter it at all."""
    return role_of_rank(db.scalar(select(session_rank(person_id, session))))


def can_moderate(role: str | None) -> bool:
    return role in ("organizer", "moderator")
