"""The one place certificates read attendance from.

Attendance itself (minutes online per session, onsite check-ins) belongs to the attendance
domain and is stored in SQL there. Certificates see it only as a list of `Attended` rows,
so the eligibility rule can be proven on rows a test writes directly.

WIRED AT MERGE: `attended()` must read the attendance domain's SQL table(s): one row per
(person, session) of `event` with the person's minutes online (already rounded down to whole
minutes) and whether they checked in onsite. Until then it raises, so nothing can issue a
certificate from attendance that was never recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session as OrmSession

from plenary.models import Event


@dataclass(frozen=True)
class Attended:
    person_id: int
    session_id: int
    minutes_online: int = 0
    onsite: bool = False


AttendanceSource = Callable[[OrmSession, Event], Iterable[Attended]]


def attended(db: OrmSession, event: Event) -> list[Attended]:
    """Every (person, session) of the event with any attendance, from SQL (never Redis)."""
    raise NotImplementedError(
        "certificates.attendance_source.attended: connect to the attendance domain's table"
    )


def rows_source(rows: Iterable[Attended]) -> AttendanceSource:
    """A source over given rows: for tests, benchmarks and imports of offline check-in lists."""
    fixed = list(rows)
    return lambda _db, _event: fixed
