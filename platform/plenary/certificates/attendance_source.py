"""The one place certificates read attendance from.

Attendance itself (minutes online per session, onsite check-ins) belongs to the attendance
domain and is stored in SQL there. Certificates see it only as a list of `Attended` rows,
so the eligibility rule can be proven on rows a test writes directly.

`attended()` reads the attendance domain's SQL: `attendance_records` (minutes online, written
by the flush from Redis; `onsite` set by a session check-in) plus session check-ins
(`checkins.session_id` set) as onsite, in case a record was not written with its check-in.

An event-level check-in (`checkins.session_id` NULL: the ticket scanned at the venue's door)
credits nothing by itself. It proves the person came to the venue, not which sessions they
sat in, and crediting it as "every session in full" would hand a 5-day certificate to anyone
who walked in once. Onsite minutes come only from session check-ins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from plenary.models import AttendanceRecord, Checkin, Event, EventSession


@dataclass(frozen=True)
class Attended:
    person_id: int
    session_id: int
    minutes_online: int = 0
    onsite: bool = False


AttendanceSource = Callable[[OrmSession, Event], Iterable[Attended]]


def attended(db: OrmSession, event: Event) -> list[Attended]:
    """Every (person, session) of the event with any attendance, from SQL (never Redis).

    A (person, session) may appear twice (its record and its session check-in): eligibility
    counts a session's onsite credit once.
    """
    records = db.execute(
        select(
            AttendanceRecord.person_id,
            AttendanceRecord.session_id,
            AttendanceRecord.minutes_online,
            AttendanceRecord.onsite,
        )
        .join(EventSession, EventSession.id == AttendanceRecord.session_id)
        .where(EventSession.event_id == event.id)
    )
    rows = [Attended(p, s, int(m or 0), bool(o)) for p, s, m, o in records]
    checkins = db.execute(
        select(Checkin.person_id, Checkin.session_id)
        .join(EventSession, EventSession.id == Checkin.session_id)
        .where(Checkin.event_id == event.id, EventSession.event_id == event.id)
    )
    rows += [Attended(p, s, onsite=True) for p, s in checkins]
    return rows


def rows_source(rows: Iterable[Attended]) -> AttendanceSource:
    """A source over given rows: for tests, benchmarks and imports of offline check-in lists."""
    fixed = list(rows)
    return lambda _db, _event: fixed
