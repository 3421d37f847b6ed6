"""One writer at a time per event while seats are counted; per registration otherwise.

PostgreSQL: SELECT … FOR NO KEY UPDATE on the event row (it serialises seat counting but
does not wait for the FOR KEY SHARE locks that every concurrent registration INSERT takes on
its event through the foreign key). SQLite: a no-op UPDATE of the event row,
which takes SQLite's write lock at once (a plain read would let two workers count the same
free seat and both take it). Call it before reading anything the decision depends on.

Deciding an online registration (or one for an event without a seat limit) counts nothing,
so it locks only its own row: registrations of one event are decided in parallel. Lock
order is event, then registration, everywhere both are taken (processing with seats to
count, cancelling), so the two never deadlock.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session as OrmSession

from plenary.models import Event, Registration


def lock_event(db: OrmSession, event_id: int) -> None:
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(Event.id).where(Event.id == event_id).with_for_update(key_share=True))
    else:
        db.execute(
            update(Event).where(Event.id == event_id).values(venue_capacity=Event.venue_capacity)
        )


def lock_registration(db: OrmSession, registration_id: int) -> Registration | None:
    """The registration re-read under a lock on its row (SQLite: the database write lock)."""
    query = select(Registration).where(Registration.id == registration_id)
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(key_share=True)
    else:
        db.execute(
            update(Registration)
            .where(Registration.id == registration_id)
            .values(status=Registration.status)
        )
    return db.scalar(query.execution_options(populate_existing=True))
