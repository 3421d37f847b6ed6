"""Helpers for certificate tests: sessions, attendance rows and issued certificates."""

from __future__ import annotations

from datetime import timedelta

from plenary.certificates.attendance_source import Attended, rows_source
from plenary.certificates.issuing import issue_certificates
from plenary.models import Certificate, Event, EventSession, Person


def programme(make, event: Event, lengths=(120, 90, 60)) -> list[EventSession]:
    """Ended sessions of the given lengths (minutes), one after another, before the clock."""
    start = make.clock.now() - timedelta(days=1)
    sessions = []
    for length in lengths:
        sessions.append(
            make.session(event, starts_at=start, ends_at=start + timedelta(minutes=length))
        )
        start += timedelta(minutes=length + 30)
    return sessions


def certify(make, event: Event, person: Person, sessions: list[EventSession]) -> Certificate:
    """Issues `person` a certificate by having them onsite at every session."""
    rows = [Attended(person.id, s.id, onsite=True) for s in sessions]
    issued = issue(make, event, rows)
    return next(c for c in issued if c.person_id == person.id)


def issue(make, event: Event, rows: list[Attended]) -> list[Certificate]:
    issued = issue_certificates(make.db, event, now=make.clock.now(), source=rows_source(rows))
    make.db.commit()
    return issued
