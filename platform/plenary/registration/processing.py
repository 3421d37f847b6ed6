"""What the worker does with a pending registration: confirm, or waitlist when the hall is full.

Online registrations are always confirmed. In-person ones are confirmed while confirmed
in-person registrations number fewer than `events.venue_capacity` (0: no limit), counted
under the event lock, so two workers can never hand out the same last seat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from plenary.config import Settings
from plenary.models import Event, Registration
from plenary.registration import notices
from plenary.registration.locks import lock_event


def process_registration(
    db: OrmSession, registration_id: int, *, now: datetime, settings: Settings
) -> str | None:
    """Decides a pending registration; returns its status (None when it is gone).

    Running it twice changes nothing: only a `pending` row is decided.
    """
    event_id = db.scalar(select(Registration.event_id).where(Registration.id == registration_id))
    if event_id is None:
        return None
    lock_event(db, event_id)
    registration = db.get(Registration, registration_id, populate_existing=True)
    if registration.status != "pending":
        return registration.status
    event = db.get(Event, event_id)
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
