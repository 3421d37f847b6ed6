"""The eligibility rule on attendance rows, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plenary.certificates.attendance_source import Attended
from plenary.certificates.eligibility import eligible, tally
from plenary.certificates.rules import DEFAULT_RULE, Rule
from plenary.models import EventSession

START = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)


def session(session_id: int, minutes: int, **fields) -> EventSession:
    starts = START + timedelta(hours=3 * session_id)
    return EventSession(
        id=session_id, starts_at=starts, ends_at=starts + timedelta(minutes=minutes), **fields
    )


SESSIONS = [session(1, 120), session(2, 90), session(3, 60)]
RULE = Rule(threshold_minutes=150, min_sessions=2)


def eligible_ids(rows, sessions=SESSIONS, rule=RULE) -> list[int]:
    return [found.person_id for found in eligible(rows, sessions, rule)]


def test_one_minute_below_the_threshold_is_not_eligible():
    rows = [Attended(7, 1, minutes_online=100), Attended(7, 2, minutes_online=49)]
    assert eligible_ids(rows) == []


def test_exactly_the_threshold_is_eligible():
    rows = [Attended(7, 1, minutes_online=100), Attended(7, 2, minutes_online=50)]
    assert eligible_ids(rows) == [7]


def test_an_onsite_check_in_counts_the_sessions_full_length():
    rows = [Attended(7, 1, onsite=True), Attended(7, 3, minutes_online=30)]
    assert tally(rows, SESSIONS)[7].minutes_by_session == {1: 120, 3: 30}
    assert eligible_ids(rows) == [7]


def test_onsite_and_online_in_one_session_count_the_length_once():
    rows = [Attended(7, 2, minutes_online=90, onsite=True), Attended(7, 3, minutes_online=59)]
    assert tally(rows, SESSIONS)[7].total_minutes == 149
    assert eligible_ids(rows) == []


def test_online_minutes_are_capped_at_the_sessions_length():
    rows = [Attended(7, 3, minutes_online=500), Attended(7, 2, minutes_online=89)]
    assert tally(rows, SESSIONS)[7].minutes_by_session == {3: 60, 2: 89}
    assert eligible_ids(rows) == []


def test_a_session_ended_early_caps_at_what_it_ran():
    short = session(4, 120, ended_at=START + timedelta(hours=12, minutes=45))
    rows = [Attended(7, 4, minutes_online=120)]
    assert tally(rows, [short])[7].minutes_by_session == {4: 45}


def test_min_sessions_is_required_even_with_enough_minutes():
    rows = [Attended(7, 1, onsite=True), Attended(7, 2, minutes_online=45)]
    assert eligible_ids(rows, rule=Rule(threshold_minutes=150, min_sessions=3)) == []
    rows.append(Attended(7, 3, minutes_online=1))
    assert eligible_ids(rows, rule=Rule(threshold_minutes=150, min_sessions=3)) == [7]


def test_zero_minute_rows_do_not_count_as_sessions_attended():
    rows = [Attended(7, 1, onsite=True), Attended(7, 2, minutes_online=0)]
    assert tally(rows, SESSIONS)[7].sessions_attended == 1
    assert eligible_ids(rows, rule=Rule(threshold_minutes=100, min_sessions=2)) == []


def test_cancelled_and_foreign_sessions_credit_nothing():
    cancelled = session(5, 120, cancelled=True)
    rows = [Attended(7, 5, onsite=True), Attended(7, 99, minutes_online=300)]
    assert tally(rows, [*SESSIONS, cancelled]) == {}


def test_several_rows_for_one_session_add_up_then_cap():
    rows = [Attended(7, 2, minutes_online=50), Attended(7, 2, minutes_online=60)]
    assert tally(rows, SESSIONS)[7].minutes_by_session == {2: 90}


@pytest.mark.parametrize(
    ("minutes", "sessions", "earns"),
    [((120, 119), 2, False), ((120, 120), 2, True), ((240,), 1, False)],
)
def test_the_defaults_ask_four_hours_over_two_sessions(minutes, sessions, earns):
    long_sessions = [session(i + 1, 240) for i in range(2)]
    rows = [Attended(7, i + 1, minutes_online=m) for i, m in enumerate(minutes)]
    assert DEFAULT_RULE.threshold_minutes == 240 and DEFAULT_RULE.min_sessions == 2
    assert (eligible_ids(rows, long_sessions, DEFAULT_RULE) == [7]) is earns
