"""Onsite check-ins: a staff member scans a QR ticket at the door of the event or a session.

Recorded once per (registration, event or session): the same ticket scanned twice, or by two
phones at once, returns the first record. A session check-in also marks the person's
attendance record for that session as onsite.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from plenary.auth.roles import event_roles, session_role
from plenary.errors import Forbidden
from plenary.events import schedule
from plenary.events.wire import iso
from plenary.models import AttendanceRecord, Checkin, Event, EventSession, Person
from plenary.registration.tickets import verify_ticket

CHECKIN_ROLES = ("organizer", "staff")


def check_can_check_in(db: OrmSession, person: Person, event: Event, found: EventSession | None):
    """Organizers and staff of the event (or, for a session, of that session)."""
    if event_roles(db, person.id, event.id) & set(CHECKIN_ROLES):
        return
    if found is not None and session_role(db, person.id, found) in CHECKIN_ROLES:
        return
    raise Forbidden("only organizers and staff check tickets in")


def do_check_in(
    db: OrmSession,
    *,
    event: Event,
    ticket: str,
    session_id: int | None,
    by: Person,
    secret_key: str,
    now: datetime,
) -> dict[str, Any]:
    """Verifies the ticket and records the check-in; commits. Returns the (first) record."""
    found = schedule.get_session(db, session_id, event=event) if session_id is not None else None
    check_can_check_in(db, by, event, found)
    registration = verify_ticket(db, ticket, event, secret=secret_key)
    key = f"{registration.id}:{session_id if session_id is not None else 'event'}"
    checkin = db.scalar(select(Checkin).where(Checkin.key == key))
    created = False
    if checkin is None:
        try:
            with db.begin_nested():
                checkin = Checkin(
                    key=key, event_id=event.id, registration_id=registration.id,
                    person_id=registration.person_id, session_id=session_id,
                    checked_in_at=now, checked_in_by=by.id,
                )  # fmt: skip
                db.add(checkin)
            created = True
        except IntegrityError:  # another phone scanned the same ticket at the same moment
            checkin = db.scalar(select(Checkin).where(Checkin.key == key))
    if found is not None:
        _mark_onsite(db, found.id, registration.person_id, checkin.checked_in_at)
    db.commit()
    return {"ok": True, "created": created, "checkin": checkin_wire(checkin)}


def checkin_wire(checkin: Checkin) -> dict[str, Any]:
    person = checkin.person
    return {
        "id": checkin.id,
        "registration_id": checkin.registration_id,
        "session_id": checkin.session_id,
        "person": {
            "id": person.id,
            "name": person.name,
            "city": person.city,
            "country": person.country,
        },
        "checked_in_at": iso(checkin.checked_in_at),
    }


def _mark_onsite(db: OrmSession, session_id: int, person_id: int, at: datetime) -> None:
    record = db.scalar(
        select(AttendanceRecord).where(
            AttendanceRecord.session_id == session_id, AttendanceRecord.person_id == person_id
        )
    )
    if record is None:
        try:
            with db.begin_nested():
                db.add(
                    AttendanceRecord(
                        session_id=session_id, person_id=person_id, onsite=True,
                        checked_in_at=at, minutes_online=0,
                    )
                )  # fmt: skip
            return
        except IntegrityError:  # the flush inserted it meanwhile
            record = db.scalar(
                select(AttendanceRecord).where(
                    AttendanceRecord.session_id == session_id,
                    AttendanceRecord.person_id == person_id,
                )
            )
    if not record.onsite:
        record.onsite = True
        record.checked_in_at = at
