"""The attendance CSV for organizers: one row per person per session.

Cells that a spreadsheet would read as a formula (=, +, -, @, tab, CR first) get a leading
single quote (OWASP "CSV injection"); the file starts with a UTF-8 BOM so that Excel reads
Korean names correctly.
"""

from __future__ import annotations

import csv
import io

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from plenary.attendance import keys
from plenary.attendance.figures import person_minutes
from plenary.events.wire import iso
from plenary.models import AttendanceRecord, Event, EventSession, Person

HEADER = [
    "name", "email", "city", "country", "session_id", "session", "minutes_online", "onsite",
    "checked_in_at", "first_seen", "last_seen",
]  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def attendance_csv(r: redis.Redis, db: OrmSession, event: Event) -> str:
    """SQL records merged with Redis's live minutes for sessions not flushed yet."""
    sessions = {
        found.id: found
        for found in db.scalars(select(EventSession).where(EventSession.event_id == event.id))
    }
    rows: dict[tuple[int, int], dict] = {}
    for record in db.scalars(
        select(AttendanceRecord).where(AttendanceRecord.session_id.in_(list(sessions)))
    ):
        rows[(record.session_id, record.person_id)] = {
            "minutes": record.minutes_online, "first_seen": record.first_seen,
            "last_seen": record.last_seen, "onsite": record.onsite,
            "checked_in_at": record.checked_in_at,
        }  # fmt: skip
    active = {int(s) for s in r.smembers(keys.ACTIVE)} & set(sessions)
    for session_id in active:
        for person_id, live in person_minutes(r, session_id).items():
            row = rows.setdefault(
                (session_id, person_id),
                {"minutes": 0, "first_seen": None, "last_seen": None, "onsite": False,
                 "checked_in_at": None},
            )  # fmt: skip
            row["minutes"] = max(row["minutes"], live["minutes"])
            row["first_seen"] = _earlier(row["first_seen"], live["first_seen"])
            row["last_seen"] = _later(row["last_seen"], live["last_seen"])
    people = _people(db, {person_id for _, person_id in rows})

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    ordered = sorted(rows, key=lambda k: (sessions[k[0]].starts_at, k[0], people[k[1]].name))
    for session_id, person_id in ordered:
        row, person, found = rows[(session_id, person_id)], people[person_id], sessions[session_id]
        writer.writerow(
            neutralise(value)
            for value in (
                person.name, person.email, person.city, person.country, session_id, found.title,
                row["minutes"], "yes" if row["onsite"] else "no", iso(row["checked_in_at"]),
                iso(row["first_seen"]), iso(row["last_seen"]),
            )
        )  # fmt: skip
    return out.getvalue()


def _people(db: OrmSession, ids: set[int]) -> dict[int, Person]:
    found: dict[int, Person] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update((p.id, p) for p in db.scalars(select(Person).where(Person.id.in_(chunk))))
    return found


def _earlier(a, b):
    return b if a is None else a if b is None else min(a, b)


def _later(a, b):
    return b if a is None else a if b is None else max(a, b)
