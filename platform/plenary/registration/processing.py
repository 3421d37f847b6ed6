"""What the worker does with a pending registration: confirm, or waitlist when the hall is full.

Online registrations are always confirmed. In-person ones are confirmed while confirmed
in-person registrations number fewer than `events.venue_capacity` (0: no limit), counted
under the event lock, so two workers can never hand out the same last seat. A decision that
counts no seat locks only the registration's row, so one event's registrations are decided
in parallel (with the event lock for all of them, one at a time: ~25 per second).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from plenary.config import Settings
from plenary.models import Event, Registration
from plenary.registration import notices
from plenary.registration.locks import lock_event, lock_registration


def process_registration(
    db: OrmSession, registration_id: int, *, now: datetime, settings: Settings
) -> str | None:
    """Decides a pending registration; returns its status (None when it is gone).

    Running it twice changes nothing: only a `pending` row is decided.
    """
    found = db.execute(
        select(Registration.event_id, Registration.mode, Event.venue_capacity)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.id == registration_id)
    ).one_or_none()
    if found is None:
        return None
    event_id, mode, capacity = found
    counts_seats = mode == "in_person" and bool(capacity)
    if counts_seats:
        lock_event(db, event_id)
    registration = lock_registration(db, registration_id)
    if registration.status != "pending":
        return registration.status
    event = db.get(Event, event_id)
    if not counts_seats and registration.mode == "in_person" and event.venue_capacity:
        # Reopened as in-person, or given a seat limit, since the first read: start again,
        # taking the event lock first (the order cancelling uses).
        db.rollback()
        return process_registration(db, registration_id, now=now, settings=settings)
    if registration.mode == "online" or has_free_seat(db, event):
        confirm(db, registration, event, now=now, settings=settings)
    else:
        registration.status = "waitlisted"
        registration.updated_at = now
        notices.queue_waitlisted(db, registration, event, now=now, settings=settings)
    return registration.status


def has_free_seat(db: OrmSession, event: Event) -> bool:
    if not event.venue_capacity:
        return True
    taken = db.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event.id,
            Registration.mode == "in_person",
            Registration.status == "confirmed",
        )
    )
    return taken < event.venue_capacity


def confirm(
    db: OrmSession,
    registration: Registration,
    event: Event,
    *,
    now: datetime,
    settings: Settings,
    promoted: bool = False,
) -> None:
    registration.status = "confirmed"
    registration.updated_at = now
    db.flush()
    notices.queue_confirmation(db, registration, event, now=now, settings=settings,
                               promoted=promoted)  # fmt: skip


def promote_waitlisted(
    db: OrmSession, event: Event, *, now: datetime, settings: Settings
) -> Registration | None:
    """Confirms the earliest waitlisted in-person registration if a seat is free (lock held)."""
    if not has_free_seat(db, event):
        return None
    first = db.scalar(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.mode == "in_person",
            Registration.status == "waitlisted",
        )
        .order_by(Registration.created_at, Registration.id)
        .limit(1)
    )
    if first is not None:
        confirm(db, first, event, now=now, settings=settings, promoted=True)
    return first
