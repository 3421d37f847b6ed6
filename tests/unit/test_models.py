"""Model behaviour that needs no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plenary.models import EventSession
from plenary.models.base import UTCDateTime

NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def session_at(**fields) -> EventSession:
    values = dict(starts_at=NOON, ends_at=NOON + timedelta(hours=1), cancelled=False)
    return EventSession(**{**values, **fields})


@pytest.mark.parametrize(
    ("minutes", "status"), [(-1, "scheduled"), (0, "live"), (59, "live"), (60, "ended")]
)
def test_status_follows_the_clock(minutes, status):
    assert session_at().status_at(NOON + timedelta(minutes=minutes)) == status


def test_ended_early_and_cancelled_override_the_clock():
    ended = session_at(ended_at=NOON + timedelta(minutes=10))
    assert ended.status_at(NOON + timedelta(minutes=9)) == "live"
    assert ended.status_at(NOON + timedelta(minutes=10)) == "ended"
    assert session_at(cancelled=True).status_at(NOON) == "cancelled"


def test_utc_datetime_refuses_naive_values():
    column = UTCDateTime()
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2026, 1, 1), dialect=type("D", (), {"name": "x"}))
