"""A fresh join link by email for someone registered, and silence for anyone else.

The answer to the caller is the same either way (always 202), so the endpoint cannot be used
to learn who registered. Within one ten-minute bucket, repeated requests send one email.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from plenary.auth.people import find_person
from plenary.auth.roles import event_roles
from plenary.config import Settings
from plenary.models import Event, Registration
from plenary.registration.notices import queue_login_link

BUCKET_SECONDS = 600


def request_login_link(
    db: OrmSession, event: Event, email: str, *, now: datetime, settings: Settings
) -> bool:
    """Queues a join-link email if `email` belongs to a participant of `event`; True if queued."""
    person = find_person(db, email)
    if person is None:
        return False
    confirmed = db.scalar(
        select(Registration.id).where(
            Registration.event_id == event.id,
            Registration.person_id == person.id,
            Registration.status == "confirmed",
        )
    )
    if confirmed is None and not event_roles(db, person.id, event.id):
        return False
    bucket = int(now.timestamp()) // BUCKET_SECONDS
    return queue_login_link(db, person, event, bucket=bucket, now=now, settings=settings)
