"""Who has earned a certificate, from attendance rows and the event's rule.

A session's credited minutes are its full length when the person checked in onsite, else
their minutes online, capped at the session's length (a reconnecting client must not earn
more than the session lasted). Total = the sum over sessions. A session counts as attended
from one credited minute. Eligible: total ≥ threshold_minutes and sessions ≥ min_sessions.
Cancelled sessions and sessions of other events credit nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from plenary.certificates.attendance_source import Attended
from plenary.certificates.rules import Rule, session_length
from plenary.models import EventSession


@dataclass
class Tally:
    person_id: int
    minutes_by_session: dict[int, int] = field(default_factory=dict)

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes_by_session.values())

    @property
    def sessions_attended(self) -> int:
        return sum(1 for minutes in self.minutes_by_session.values() if minutes >= 1)


def tally(rows: Iterable[Attended], sessions: Iterable[EventSession]) -> dict[int, Tally]:
    """Credited minutes per person and session."""
    lengths = {s.id: session_length(s) for s in sessions if not s.cancelled}
    online: dict[tuple[int, int], int] = defaultdict(int)
    onsite: set[tuple[int, int]] = set()
    for row in rows:
        if row.session_id not in lengths:
            continue
        key = (row.person_id, row.session_id)
        online[key] += max(0, int(row.minutes_online))
        if row.onsite:
            onsite.add(key)
    tallies: dict[int, Tally] = {}
    for key in set(online) | onsite:
        person_id, session_id = key
        length = lengths[session_id]
        credited = length if key in onsite else min(online[key], length)
        if credited >= 1:
            tallies.setdefault(person_id, Tally(person_id)).minutes_by_session[session_id] = (
                credited
            )
    return tallies


def is_eligible(found: Tally, rule: Rule) -> bool:
    return (
        found.total_minutes >= rule.threshold_minutes
        and found.sessions_attended >= rule.min_sessions
    )


def eligible(rows: Iterable[Attended], sessions: Iterable[EventSession], rule: Rule) -> list[Tally]:
    """Everyone who meets the rule, by person id."""
    found = tally(rows, sessions)
    return [found[pid] for pid in sorted(found) if is_eligible(found[pid], rule)]
