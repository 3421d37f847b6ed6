"""Each event's eligibility rule: minutes attended and sessions attended, set by organizers.

Defaults for a 5-day forum (~51 sessions of 60–120 min): 240 minutes (4 hours: two or three
full sessions, about one good day of the programme, reachable by a remote participant in a
distant time zone) and at least 2 sessions, so that a single long session, or one hall
check-in, does not earn a certificate of attendance at a forum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session as OrmSession

from plenary.errors import BadInput
from plenary.models import CertificateRule, Event, EventSession

DEFAULT_THRESHOLD_MINUTES = 240
DEFAULT_MIN_SESSIONS = 2


@dataclass(frozen=True)
class Rule:
    threshold_minutes: int
    min_sessions: int
    is_default: bool = False
    updated_at: datetime | None = None

    def to_dict(self) -> dict:
        from plenary.events.wire import iso

        return {
            "threshold_minutes": self.threshold_minutes,
            "min_sessions": self.min_sessions,
            "is_default": self.is_default,
            "updated_at": iso(self.updated_at) if self.updated_at else None,
        }


DEFAULT_RULE = Rule(DEFAULT_THRESHOLD_MINUTES, DEFAULT_MIN_SESSIONS, is_default=True)


def rule_for(db: OrmSession, event: Event) -> Rule:
    stored = db.get(CertificateRule, event.id)
    if stored is None:
        return DEFAULT_RULE
    return Rule(stored.threshold_minutes, stored.min_sessions, updated_at=stored.updated_at)


def set_rule(
    db: OrmSession,
    event: Event,
    *,
    threshold_minutes: int,
    min_sessions: int,
    by_person_id: int | None,
    now: datetime,
) -> Rule:
    """Stores the rule after checking that someone could meet it at this event."""
    sessions = [s for s in event.sessions if not s.cancelled]
    programme = sum(session_length(s) for s in sessions)
    if threshold_minutes < 1:
        raise BadInput("threshold_minutes: at least 1", field="threshold_minutes")
    if sessions and threshold_minutes > programme:
        raise BadInput(
            f"threshold_minutes: the whole programme lasts {programme} minutes",
            field="threshold_minutes",
        )
    if min_sessions < 0 or min_sessions > len(sessions):
        raise BadInput(
            f"min_sessions: between 0 and the event's {len(sessions)} sessions",
            field="min_sessions",
        )
    stored = db.get(CertificateRule, event.id)
    if stored is None:
        stored = CertificateRule(event_id=event.id)
        db.add(stored)
    stored.threshold_minutes = threshold_minutes
    stored.min_sessions = min_sessions
    stored.updated_at = now
    stored.updated_by_id = by_person_id
    db.flush()
    return rule_for(db, event)


def session_length(session: EventSession) -> int:
    """Whole minutes the session ran: to its scheduled end, or earlier when staff ended it."""
    end = session.ends_at
    if session.ended_at is not None and session.ended_at < end:
        end = session.ended_at
    return max(0, int((end - session.starts_at).total_seconds() // 60))
