"""Finding events and sessions; a missing one is a NotFound, never a None to check."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from plenary.errors import NotFound
from plenary.models import Event, EventSession


def list_events(db: OrmSession) -> list[Event]:
    return list(db.scalars(select(Event).order_by(Event.starts_on, Event.id)))


def get_event(db: OrmSession, slug: str) -> Event:
    event = db.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound(f"no event {slug!r}", field="event")
    return event


def get_session(db: OrmSession, session_id: int, *, event: Event | None = None) -> EventSession:
    """The session with this id; with `event`, only if it belongs to that event."""
    found = db.get(EventSession, session_id)
    if found is None or (event is not None and found.event_id != event.id):
        raise NotFound(f"no session {session_id}", field="session_id")
    return found


def sessions_of(db: OrmSession, event: Event) -> list[EventSession]:
    return list(
        db.scalars(
            select(EventSession)
            .where(EventSession.event_id == event.id)
            .order_by(EventSession.starts_at, EventSession.id)
        )
    )


def sessions_by_local_day(event: Event, sessions: list[EventSession]) -> dict[date, list]:
    """Sessions grouped by their start date in the event's time zone, days in order."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(event.timezone)
    days: dict[date, list[EventSession]] = defaultdict(list)
    for found in sessions:
        days[found.starts_at.astimezone(zone).date()].append(found)
    return dict(sorted(days.items()))
