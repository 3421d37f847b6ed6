"""Creating, reading and cancelling registrations.

`register` is safe under any concurrency: the person and the registration are inserted with
ON CONFLICT DO NOTHING, then read back, so two simultaneous submissions of one address end
with one row each and the same id for both callers (invariant 1).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session as OrmSession

from plenary.auth.roles import is_organizer
from plenary.config import Settings
from plenary.dispatch import enqueue_after_commit
from plenary.errors import NotFound
from plenary.models import Event, LinkToken, Person, Registration
from plenary.registration.locks import lock_event
from plenary.registration.schema import RegistrationInput
from plenary.sql_upsert import insert_or_ignore

PROCESS_TASK = "plenary.registration.process"


def register(
    db: OrmSession, event: Event, data: RegistrationInput, *, now: datetime
) -> tuple[Registration, bool]:
    """The registration of `data.email` for `event`, created pending if new; (row, created).

    An existing person keeps their stored details; a cancelled registration is reopened.
    """
    person = dict(
        email=data.email, name=data.name, city=data.city, country=data.country,
        organization=data.organization or "", language=data.language, created_at=now,
    )  # fmt: skip
    insert_or_ignore(db, Person, person, ["email"])
    person_id = db.scalar(select(Person.id).where(Person.email == data.email))
    row = dict(
        event_id=event.id, person_id=person_id, status="pending", mode=data.mode,
        consent=True, ticket_version=1, created_at=now, updated_at=now,
    )  # fmt: skip
    created = insert_or_ignore(db, Registration, row, ["event_id", "person_id"])
    registration = db.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.person_id == person_id)
        .execution_options(populate_existing=True)
    )
    reopened = not created and _reopen_if_cancelled(db, registration, data, now)
    if created or reopened:
        enqueue_after_commit(db, PROCESS_TASK, registration.id)
    return registration, created


def _reopen_if_cancelled(
    db: OrmSession, registration: Registration, data: RegistrationInput, now: datetime
) -> bool:
    result = db.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == "cancelled")
        .values(status="pending", mode=data.mode, consent=True, updated_at=now)
    )
    db.refresh(registration)
    return result.rowcount == 1


def readable_registration(db: OrmSession, registration_id: int, person: Person) -> Registration:
    """The registration if `person` is its owner or an organizer of its event.

    Anyone else gets NotFound, not Forbidden: ids are sequential and must not reveal who
    registered (invariant 5).
    """
    registration = db.get(Registration, registration_id)
    if registration is None or not (
        registration.person_id == person.id or is_organizer(db, person.id, registration.event_id)
    ):
        raise NotFound("no such registration")
    return registration


def own_registration(db: OrmSession, registration_id: int, person: Person) -> Registration:
    registration = db.get(Registration, registration_id)
    if registration is None or registration.person_id != person.id:
        raise NotFound("no such registration")
    return registration


def cancel_registration(
    db: OrmSession, registration: Registration, *, now: datetime, settings: Settings
) -> Registration:
    """Cancels (idempotently), revokes the ticket and join links, and fills a freed seat."""
    from plenary.registration.processing import promote_waitlisted

    lock_event(db, registration.event_id)
    # Then the row (event first, as processing does): a confirmation being decided right now
    # commits first, so its join link is among those revoked below.
    db.refresh(registration, with_for_update={"key_share": True})
    if registration.status in ("cancelled", "rejected"):
        return registration
    freed_seat = registration.status == "confirmed" and registration.mode == "in_person"
    registration.status = "cancelled"
    registration.ticket_version += 1
    registration.updated_at = now
    db.execute(
        update(LinkToken)
        .where(
            LinkToken.person_id == registration.person_id,
            LinkToken.event_id == registration.event_id,
            LinkToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    db.flush()
    if freed_seat:
        promote_waitlisted(db, db.get(Event, registration.event_id), now=now, settings=settings)
    return registration


def registration_json(registration: Registration) -> dict:
    person = registration.person
    return {
        "id": registration.id,
        "event_id": registration.event_id,
        "status": registration.status,
        "mode": registration.mode,
        "name": person.name,
        "email": person.email,
        "city": person.city,
        "country": person.country,
        "organization": person.organization or None,
        "language": person.language,
        "created_at": registration.created_at.isoformat().replace("+00:00", "Z"),
    }
