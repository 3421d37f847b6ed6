"""The flush Redis → SQL: absolute values, so running it twice or twice at once counts once,
and an ended session's figures are still there after Redis is flushed."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plenary.attendance import figures, presence
from plenary.attendance.flush import flush_attendance, stored_records
from plenary.extensions import db as database
from plenary.models import AttendanceMinute, AttendanceRecord, SessionAttendance
from tests.integration.attendance_support import redis_client


@pytest.fixture
def r(fresh):
    yield from redis_client(fresh)


@pytest.fixture
def attended(r, clock, make):
    """A live session where Ana stayed 3 minutes (two tabs) and Ben 1, both now gone."""
    event = make.event()
    session = make.session(event, starts_at=clock.now(), ends_at=clock.now() + timedelta(hours=1))
    ana, ben = make.person(name="Ana"), make.person(name="Ben")
    start = clock.now()
    for sid, person in (("a1", ana), ("a2", ana), ("b1", ben)):
        presence.enter(r, node_id="n1", sid=sid, person_id=person.id, session_id=session.id,
                       now=clock.now())  # fmt: skip
    clock.advance(seconds=30)
    presence.leave(r, node_id="n1", sid="b1", session_id=session.id, now=clock.now())
    clock.advance(minutes=2)
    for sid in ("a1", "a2"):
        presence.leave(r, node_id="n1", sid=sid, session_id=session.id, now=clock.now())
    return type("Attended", (), {"event": event, "session": session, "ana": ana, "ben": ben,
                                 "start": start})  # fmt: skip


def snapshot(db, session_id):
    db.expire_all()
    records = {
        row.person_id: (row.minutes_online, row.first_seen, row.last_seen)
        for row in stored_records(db, session_id)
    }
    figures_row = db.get(SessionAttendance, session_id)
    minutes = db.scalar(
        select(func.sum(AttendanceMinute.online)).where(AttendanceMinute.session_id == session_id)
    )
    return records, (figures_row.peak, figures_row.peak_at, figures_row.unique_people), minutes


def test_flush_writes_minutes_figures_and_series(r, db, clock, attended):
    flush_attendance(r, db, now=clock.now())
    records, session_figures, minutes = snapshot(db, attended.session.id)
    assert records[attended.ana.id][0] == 3
    assert records[attended.ben.id][0] == 1
    assert records[attended.ana.id][1] == attended.start
    assert session_figures == (2, attended.start, 2)
    assert minutes == 2 + 1 + 1  # 03:00 two people, 03:01 and 03:02 one


def test_flushing_twice_does_not_double_count(r, db, clock, attended):
    flush_attendance(r, db, now=clock.now())
    first = snapshot(db, attended.session.id)
    clock.advance(seconds=30)
    flush_attendance(r, db, now=clock.now())
    assert snapshot(db, attended.session.id) == first
    assert db.scalar(select(func.count()).select_from(AttendanceRecord)) == 2


def test_two_flushes_at_once_count_once(r, db, clock, attended):
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run() -> None:
        session = database.session()
        try:
            barrier.wait()
            results.append(flush_attendance(r, session, now=clock.now()))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            database.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(result["skipped"] for result in results) in ([False, False], [False, True])
    records, session_figures, _ = snapshot(db, attended.session.id)
    assert {p: m for p, (m, _, _) in records.items()} == {attended.ana.id: 3, attended.ben.id: 1}
    assert session_figures[0] == 2


def test_without_the_lock_the_upserts_still_count_once(r, db, clock, attended):
    flush_attendance(r, db, now=clock.now())
    r.delete("att:flush:lock")
    r.set("att:flush:lock", "someone-else", px=100_000)  # a stuck lock: the flush skips
    assert flush_attendance(r, db, now=clock.now())["skipped"]
    r.delete("att:flush:lock")
    flush_attendance(r, db, now=clock.now())
    records, _, _ = snapshot(db, attended.session.id)
    assert records[attended.ana.id][0] == 3


def test_an_ended_sessions_figures_survive_a_redis_flush(r, db, clock, attended):
    clock.advance(hours=2)  # the session has ended
    flush_attendance(r, db, now=clock.now())
    assert not r.sismember("att:active", attended.session.id)  # retired from the live set
    r.flushdb()
    found = figures.session_figures(r, db, attended.session.id)
    assert (found["online"], found["peak"], found["unique"]) == (0, 2, 2)
    assert found["peak_at"] == "2026-11-27T03:00:00Z"
    series = figures.session_series(r, db, attended.session, clock.now())
    assert [point["online"] for point in series[:4]] == [2, 1, 1, 0]
    totals = figures.event_figures(r, db, attended.event)["totals"]
    assert totals["participants"] == 2


def test_figures_never_go_backwards_after_a_redis_flush_mid_session(r, db, clock, attended):
    flush_attendance(r, db, now=clock.now())
    r.flushdb()
    presence.enter(r, node_id="n1", sid="c1", person_id=attended.ben.id,
                   session_id=attended.session.id, now=clock.now())  # fmt: skip
    flush_attendance(r, db, now=clock.now())
    found = figures.session_figures(r, db, attended.session.id)
    assert (found["online"], found["peak"], found["unique"]) == (1, 2, 2)
    records, _, _ = snapshot(db, attended.session.id)
    assert records[attended.ana.id][0] == 3


@pytest.mark.slow
def test_the_beat_task_flushes_through_a_real_worker(r, db, clock, attended, processes, app):
    from plenary.extensions import task_client

    processes.worker()
    task_client.send_task("plenary.attendance.flush")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        db.expire_all()
        count = db.scalar(select(func.count()).select_from(AttendanceRecord))
        if count == 2:
            break
        db.rollback()
        time.sleep(0.2)
    records, session_figures, _ = snapshot(db, attended.session.id)
    assert {p: m for p, (m, _, _) in records.items()} == {attended.ana.id: 3, attended.ben.id: 1}
    assert session_figures[0] == 2


def test_a_person_erased_since_joining_does_not_break_the_flush(r, db, clock, attended):
    presence.enter(r, node_id="n1", sid="ghost", person_id=987654, session_id=attended.session.id,
                   now=clock.now())  # fmt: skip
    assert flush_attendance(r, db, now=clock.now())["sessions"] == 1
    records, _, _ = snapshot(db, attended.session.id)
    assert set(records) == {attended.ana.id, attended.ben.id}
