"""Presence in real Redis: tabs, nodes, crashes, minutes, peak and unique, on a frozen clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plenary.attendance import figures, presence
from tests.integration.attendance_support import redis_client

SESSION = 7


@pytest.fixture
def r(fresh):
    yield from redis_client(fresh)


def enter(r, clock, sid, person, node="node-a", session=SESSION):
    return presence.enter(
        r, node_id=node, sid=sid, person_id=person, session_id=session, now=clock.now()
    )


def leave(r, clock, sid, node="node-a", session=SESSION):
    return presence.leave(r, node_id=node, sid=sid, session_id=session, now=clock.now())


def minutes_of(r, person, session=SESSION):
    return figures.person_minutes(r, session)[person]["minutes"]


def test_one_person_in_three_tabs_counts_once(r, clock):
    assert enter(r, clock, "tab1", 1)["online"] == 1
    assert enter(r, clock, "tab2", 1)["online"] == 1
    assert enter(r, clock, "tab3", 1, node="node-b")["online"] == 1
    assert enter(r, clock, "other", 2)["online"] == 2
    assert leave(r, clock, "tab1")["online"] == 2
    assert leave(r, clock, "tab3", node="node-b")["online"] == 2
    after = leave(r, clock, "tab2")
    assert after["online"] == 1
    assert after["unique"] == 2


def test_repeated_join_and_unknown_leave_change_nothing(r, clock):
    enter(r, clock, "tab1", 1)
    assert enter(r, clock, "tab1", 1)["online"] == 1
    assert leave(r, clock, "never-joined")["online"] == 1
    leave(r, clock, "tab1")
    assert leave(r, clock, "tab1")["online"] == 0


def test_a_crashed_node_drops_out_within_sixty_seconds_while_the_other_stays(r, clock):
    enter(r, clock, "a1", 1, node="node-a")
    enter(r, clock, "a2", 2, node="node-a")
    enter(r, clock, "b1", 3, node="node-b")
    enter(r, clock, "b2", 1, node="node-b")  # person 1 also has a tab on node b
    crashed_at = clock.now()
    node_b = [("b1", 3, SESSION), ("b2", 1, SESSION)]
    online = []
    while clock.now() - crashed_at < timedelta(seconds=60):  # node a is silent from now on
        clock.advance(seconds=presence.REFRESH_SECONDS)
        presence.refresh_node(r, node_id="node-b", sids=node_b, now=clock.now())
        online.append(figures.read_live(r, [SESSION])[SESSION]["online"])
    assert online[0] == 3  # a short silence is not a crash
    assert online[-1] == 2  # person 1 (via node b) and person 3 stay
    assert set(r.hkeys("att:s:7:online")) == {"1", "3"}
    assert presence.expire_dead(r, now=clock.now()) == 0  # already dropped


def test_expire_dead_drops_a_silent_node_when_nobody_refreshes(r, clock):
    enter(r, clock, "a1", 1, node="node-a")
    clock.advance(seconds=30)
    assert presence.expire_dead(r, now=clock.now()) == 0
    clock.advance(seconds=31)
    assert presence.expire_dead(r, now=clock.now()) == 1
    assert figures.read_live(r, [SESSION])[SESSION]["online"] == 0
    # the minutes end at the node's last heartbeat, not when the expiry noticed
    assert minutes_of(r, 1) == 1


def test_expiry_runs_within_the_refresh_of_a_live_node(r, clock):
    enter(r, clock, "a1", 1, node="node-a")
    enter(r, clock, "b1", 2, node="node-b")
    clock.advance(seconds=presence.NODE_STALE_MS / 1000 + 1)
    presence.refresh_node(r, node_id="node-b", sids=[("b1", 2, SESSION)], now=clock.now())
    assert figures.read_live(r, [SESSION])[SESSION]["online"] == 1


def test_a_person_online_three_of_five_minutes_gets_three(r, clock):
    clock.advance(seconds=10)  # 03:00:10
    enter(r, clock, "s1", 1)
    for _ in range(2):  # 03:01:10, 03:02:10
        clock.advance(minutes=1)
        presence.refresh_node(r, node_id="node-a", sids=[("s1", 1, SESSION)], now=clock.now())
    clock.advance(seconds=40)  # 03:02:50
    leave(r, clock, "s1")
    clock.advance(minutes=2)  # the session goes on without them
    presence.refresh_node(r, node_id="node-a", sids=[], now=clock.now())
    assert minutes_of(r, 1) == 3


def test_tabs_and_reconnects_do_not_double_count_minutes(r, clock):
    enter(r, clock, "tab1", 1)
    clock.advance(seconds=20)
    enter(r, clock, "tab2", 1)
    clock.advance(seconds=40)  # 03:01:00
    leave(r, clock, "tab1")
    clock.advance(seconds=5)
    enter(r, clock, "tab1-reconnected", 1)
    presence.refresh_node(r, node_id="node-a", sids=[("tab2", 1, SESSION),
                          ("tab1-reconnected", 1, SESSION)], now=clock.now())  # fmt: skip
    clock.advance(seconds=85)  # 03:02:30
    leave(r, clock, "tab2")
    leave(r, clock, "tab1-reconnected")
    assert minutes_of(r, 1) == 3  # minutes 03:00, 03:01, 03:02


def test_minutes_span_a_gap_without_refresh_but_not_time_offline(r, clock):
    enter(r, clock, "s1", 1)
    clock.advance(minutes=4, seconds=30)  # no refresh in between: still online all along
    leave(r, clock, "s1")
    enter(r, clock, "s2", 2)
    clock.advance(seconds=30)
    leave(r, clock, "s2")  # 03:04:30 → 03:05:00
    clock.advance(minutes=3)
    enter(r, clock, "s2-again", 2)  # 03:08:00, offline for three minutes before
    leave(r, clock, "s2-again")
    assert minutes_of(r, 1) == 5
    assert minutes_of(r, 2) == 3


def test_peak_with_its_time_and_unique_people(r, clock):
    for person in (1, 2, 3):
        enter(r, clock, f"s{person}", person)
    peak_time = clock.now()
    clock.advance(minutes=1)
    leave(r, clock, "s1")
    leave(r, clock, "s2")
    enter(r, clock, "s4", 4)
    found = enter(r, clock, "s1-again", 1)
    assert found["online"] == 3
    assert found["peak"] == 3
    assert found["peak_at"] == peak_time.isoformat().replace("+00:00", "Z")
    assert found["unique"] == 4


def test_series_keeps_each_minutes_highest_count_and_fills_silent_minutes(r, clock, db, make):
    event = make.event()
    session = make.session(event, starts_at=clock.now(), ends_at=clock.now() + timedelta(hours=1))
    enter(r, clock, "s1", 1, session=session.id)
    enter(r, clock, "s2", 2, session=session.id)
    clock.advance(seconds=30)
    leave(r, clock, "s2", session=session.id)
    clock.advance(minutes=2)
    presence.refresh_node(r, node_id="node-a", sids=[("s1", 1, session.id)], now=clock.now())
    leave(r, clock, "s1", session=session.id)
    clock.advance(minutes=2)
    enter(r, clock, "s3", 3, session=session.id)  # 03:04: nobody online during 03:03
    series = figures.session_series(r, db, session, clock.now())
    # 03:01 had no join, leave or refresh: person 1 was online through it
    assert [point["online"] for point in series] == [2, 1, 1, 0, 1]
    assert series[0]["minute"] == "2026-11-27T03:00:00Z"


def test_refresh_restores_connections_redis_lost(r, clock):
    enter(r, clock, "s1", 1)
    enter(r, clock, "s2", 2)
    r.flushdb()
    presence.refresh_node(r, node_id="node-a", sids=[("s1", 1, SESSION), ("s2", 2, SESSION)],
                          now=clock.now())  # fmt: skip
    assert figures.read_live(r, [SESSION])[SESSION]["online"] == 2


def test_scripts_reload_after_a_redis_restart(r, clock):
    r.script_flush()
    assert enter(r, clock, "s1", 1)["online"] == 1
    r.script_flush()
    presence.refresh_node(r, node_id="node-a", sids=[("s1", 1, SESSION)], now=clock.now())
    assert minutes_of(r, 1) == 1


def test_broadcast_gate_opens_once_a_second_on_the_given_clock(r, clock):
    assert presence.should_broadcast(r, SESSION, clock.now())
    clock.advance(seconds=0.5)
    assert not presence.should_broadcast(r, SESSION, clock.now())
    assert presence.should_broadcast(r, SESSION + 1, clock.now())
    clock.advance(seconds=0.5)
    assert presence.should_broadcast(r, SESSION, clock.now())


def test_batch_of_joins_and_leaves_in_one_round_trip(r, clock):
    changes = [("enter", f"s{i}", i % 5, SESSION) for i in range(20)]
    results = presence.apply_batch(r, node_id="node-a", changes=changes, now=clock.now())
    assert results[-1]["online"] == 5
    results = presence.apply_batch(
        r, node_id="node-a", changes=[("leave", f"s{i}", 0, SESSION) for i in range(20)],
        now=clock.now(),
    )  # fmt: skip
    assert results[-1]["online"] == 0


def test_naive_time_is_refused(r):
    from datetime import datetime

    with pytest.raises(ValueError):
        presence.enter(r, node_id="n", sid="s", person_id=1, session_id=1, now=datetime(2026, 1, 1))


def test_expire_dead_goes_through_many_dead_nodes_even_empty_ones(r, clock):
    for index in range(25):  # more than one script call's worth (20 nodes a call)
        presence.refresh_node(r, node_id=f"empty-{index}", sids=[], now=clock.now())
    enter(r, clock, "last", 1, node="zz-last")
    clock.advance(minutes=2)
    assert presence.expire_dead(r, now=clock.now()) == 1
    assert r.zcard("att:nodes") == 0


def test_a_dead_node_with_more_connections_than_one_call_drops_them_all(r, clock, monkeypatch):
    monkeypatch.setattr(presence, "EXPIRE_BUDGET", 50)
    changes = [("enter", f"s{i}", i, SESSION) for i in range(1, 181)]
    presence.apply_batch(r, node_id="big", changes=changes, now=clock.now())
    clock.advance(minutes=2)
    assert presence.expire_dead(r, now=clock.now()) == 180
    assert figures.read_live(r, [SESSION])[SESSION]["online"] == 0
    assert not r.exists("att:node:big") and r.zcard("att:nodes") == 0
