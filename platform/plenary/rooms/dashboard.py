"""Organizers following an event's attendance live (`event:join`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis
from sqlalchemy.orm import Session as OrmSession

from plenary.attendance import figures
from plenary.attendance.access import check_organizer
from plenary.events import schedule
from plenary.models import Person
from plenary.rooms.names import event_room


def follow_event(
    client: redis.Redis, db: OrmSession, *, person_id: int, slug: str, enter: Callable[[str], None]
) -> dict[str, Any]:
    """Puts an organizer's connection in the event's room; returns the figures to start from.

    From then on the connection receives `attendance` for every session of the event, at most
    once a second per session.
    """
    event = schedule.get_event(db, slug)
    check_organizer(db, db.get(Person, person_id), event)
    enter(event_room(event.id))
    snapshot = {"attendance": figures.event_figures(client, db, event)}
    db.rollback()
    return snapshot
