"""Attendance figures for the dashboard, the REST API and the `attendance` room event.

Live figures come from Redis in one pipelined read; a session Redis knows nothing about
(ended and retired, or Redis flushed) falls back to what the flush wrote to SQL. Onsite
check-ins always come from SQL, where they are recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from plenary.attendance import keys, scripts
from plenary.events.wire import iso
from plenary.models import (
    AttendanceMinute,
    AttendanceRecord,
    Checkin,
    Event,
    EventSession,
    Person,
    SessionAttendance,
)

SERIES_MAX_MINUTES = 24 * 60


def read_live(r: redis.Redis, session_ids: list[int]) -> dict[int, dict[str, Any] | None]:
    """online, peak, peak_at, unique per session from Redis in one script call (None where
    Redis has nothing for the session)."""
    if not session_ids:
        return {}
    read_keys = [
        keys.session_key(session_id, part)
        for session_id in session_ids
        for part in ("online", "uniq", "stat")
    ]
    found = scripts.call(r, "read", read_keys, [])
    live: dict[int, dict[str, Any] | None] = {}
    for index, session_id in enumerate(session_ids):
        online, unique, peak, peak_at = found[4 * index : 4 * index + 4]
        if peak is None:
            live[session_id] = None
            continue
        live[session_id] = {
            "online": int(online),
            "peak": int(peak),
            "peak_at": keys.iso_of_millis(peak_at) if peak_at else None,
            "unique": int(unique),
        }
    return live


def session_figures(r: redis.Redis, db: OrmSession, session_id: int) -> dict[str, Any]:
    """{session_id, online, peak, peak_at, unique, onsite} for one session."""
    return _assemble(r, db, [session_id])[session_id]


def sessions_figures(r: redis.Redis, db: OrmSession, session_ids: list[int]) -> dict[int, dict]:
    """The same for many sessions at once: one Redis call and two queries in all."""
    return _assemble(r, db, session_ids) if session_ids else {}


def event_figures(r: redis.Redis, db: OrmSession, event: Event) -> dict[str, Any]:
    """Every session's figures and the event's totals (online now, participants, places)."""
    sessions = list(
        db.scalars(
            select(EventSession)
            .where(EventSession.event_id == event.id)
            .order_by(EventSession.starts_at, EventSession.id)
        )
    )
    ids = [found.id for found in sessions]
    figures = _assemble(r, db, ids)
    online_people = _online_people(r, ids)
    participants = participant_ids(r, db, event, ids)
    places = _places(db, participants)
    return {
        "sessions": [{**figures[found.id], "title": found.title} for found in sessions],
        "totals": {
            "online_now": len(online_people),
            "participants": len(participants),
            "countries": len(places["countries"]),
            "cities": len(places["cities"]),
        },
        "by_country": [
            {"country": code, "people": count}
            for code, count in sorted(places["countries"].items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def session_series(
    r: redis.Redis, db: OrmSession, found: EventSession, now: datetime
) -> list[dict[str, Any]]:
    """Online attendees per minute from the session's start to its end (or now, if earlier).

    A minute's figure is the highest online count seen in it; a minute nobody was seen in is 0.
    """
    first = keys.minute_of(keys.millis(found.starts_at))
    last = keys.minute_of(keys.millis(min(now, found.ends_at)))
    last = min(last, first + SERIES_MAX_MINUTES)
    stored = {
        keys.minute_of(keys.millis(row.minute)): row.online
        for row in db.scalars(
            select(AttendanceMinute).where(AttendanceMinute.session_id == found.id)
        )
    }
    pipe = r.pipeline(transaction=False)
    pipe.hgetall(keys.session_key(found.id, "series"))
    pipe.hmget(keys.session_key(found.id, "stat"), "lm", "lo")
    series, (last_minute, last_online) = pipe.execute()
    live = {int(m): int(v) for m, v in series.items()}
    if last_minute is not None and int(last_online or 0) > 0:
        # nothing happened since the last change: its count still holds up to now
        for m in range(int(last_minute) + 1, last + 1):
            live[m] = max(live.get(m, 0), int(last_online))
    return [
        {
            "minute": iso(keys.minute_start(m)),
            "online": max(live.get(m, 0), stored.get(m, 0)),
        }
        for m in range(first, last + 1)
    ]


def person_minutes(r: redis.Redis, session_id: int) -> dict[int, dict[str, Any]]:
    """Per person in one session from Redis: minutes online, first and last seen."""
    people: dict[int, dict[str, Any]] = {}
    for field, value in r.hgetall(keys.session_key(session_id, "people")).items():
        kind, _, person = field.partition(":")
        entry = people.setdefault(
            int(person), {"minutes": 0, "first_seen": None, "last_seen": None}
        )
        if kind == "m":
            entry["minutes"] = int(value)
        elif kind == "f":
            entry["first_seen"] = keys.from_millis(int(value))
        elif kind == "s":
            entry["last_seen"] = keys.from_millis(int(value))
    return people


def participant_ids(
    r: redis.Redis, db: OrmSession, event: Event, session_ids: list[int]
) -> set[int]:
    """People who attended anything: online in a session, or checked in at the door."""
    ids = set(
        db.scalars(
            select(AttendanceRecord.person_id)
            .join(EventSession, EventSession.id == AttendanceRecord.session_id)
            .where(EventSession.event_id == event.id)
            .where((AttendanceRecord.minutes_online > 0) | AttendanceRecord.onsite)
        )
    )
    ids.update(db.scalars(select(Checkin.person_id).where(Checkin.event_id == event.id)))
    if session_ids:
        uniq = [keys.session_key(session_id, "uniq") for session_id in session_ids]
        ids.update(int(person) for person in r.sunion(uniq))
    return ids


def _assemble(r: redis.Redis, db: OrmSession, session_ids: list[int]) -> dict[int, dict]:
    """Redis's live figures merged with the flushed ones: after a Redis flush mid-session the
    peak and unique figures never go backwards."""
    live = read_live(r, session_ids)
    stored = {
        row.session_id: row
        for row in db.scalars(
            select(SessionAttendance).where(SessionAttendance.session_id.in_(session_ids))
        )
    }
    onsite = dict(
        db.execute(
            select(AttendanceRecord.session_id, func.count())
            .where(AttendanceRecord.session_id.in_(session_ids), AttendanceRecord.onsite)
            .group_by(AttendanceRecord.session_id)
        ).all()
    )
    figures: dict[int, dict] = {}
    for session_id in session_ids:
        found = live[session_id] or {"online": 0, "peak": 0, "peak_at": None, "unique": 0}
        row = stored.get(session_id)
        if row is not None and row.peak > found["peak"]:
            found = {**found, "peak": row.peak, "peak_at": iso(row.peak_at)}
        if row is not None:
            found["unique"] = max(found["unique"], row.unique_people)
        figures[session_id] = {
            "session_id": session_id,
            **found,
            "onsite": onsite.get(session_id, 0),
        }
    return figures


def _online_people(r: redis.Redis, session_ids: list[int]) -> set[str]:
    """Distinct people online now across sessions (one person in two rooms counts once)."""
    pipe = r.pipeline(transaction=False)
    for session_id in session_ids:
        pipe.hkeys(keys.session_key(session_id, "online"))
    return {person for found in (pipe.execute() if session_ids else []) for person in found}


def _places(db: OrmSession, person_ids: set[int]) -> dict[str, Any]:
    countries: dict[str, int] = {}
    cities: set[tuple[str, str]] = set()
    ordered = sorted(person_ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        for country, city in db.execute(
            select(Person.country, Person.city).where(Person.id.in_(chunk))
        ):
            if country:
                countries[country] = countries.get(country, 0) + 1
            if city:
                cities.add((country or "", city.strip().casefold()))
    return {"countries": countries, "cities": cities}
