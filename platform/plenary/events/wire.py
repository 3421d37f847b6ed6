"""How events and sessions appear in JSON (REST and Socket.IO alike)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from plenary.models import Event, EventSession


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601; datetimes in UTC with a `Z`, as the contract says."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def event_summary(event: Event) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "title": event.title,
        "starts_on": iso(event.starts_on),
        "ends_on": iso(event.ends_on),
        "timezone": event.timezone,
    }


def event_detail(event: Event) -> dict[str, Any]:
    return {
        **event_summary(event),
        "title_ko": event.title_ko,
        "description": event.description,
        "venue": event.venue,
        "languages": list(event.languages),
        "days": [
            {"date": iso(day.date), "title": day.title, "title_ko": day.title_ko}
            for day in event.days
        ],
        "tracks": [
            {"id": track.id, "code": track.code, "name": track.name, "name_ko": track.name_ko}
            for track in event.tracks
        ],
    }


def session_info(found: EventSession, now: datetime) -> dict[str, Any]:
    return {
        "id": found.id,
        "title": found.title,
        "title_ko": found.title_ko,
        "kind": found.kind,
        "starts_at": iso(found.starts_at),
        "ends_at": iso(found.ends_at),
        "room": found.room,
        "track": found.track.code if found.track else None,
        "languages": list(found.languages),
        "streams": dict(found.streams),
        "status": found.status_at(now),
        "chat_enabled": found.chat_enabled,
        "qa_enabled": found.qa_enabled,
        "qa_moderated": found.qa_moderated,
        "slow_mode_seconds": found.slow_mode_seconds,
    }
