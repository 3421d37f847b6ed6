"""The per-session seq: one Redis counter, re-seeded from SQL when Redis lost it."""

from __future__ import annotations

import threading

import redis
from sqlalchemy import func, select

from plenary.models import RoomEvent
from plenary.rooms import sequence


def add_events(db, session_id: int, count: int, clock, start: int = 1) -> None:
    for seq in range(start, count + 1):
        db.add(RoomEvent(session_id=session_id, seq=seq, kind="chat:message",
                         payload={"seq": seq}, created_at=clock.now()))  # fmt: skip
    db.commit()


def test_counter_counts_up_from_what_sql_holds(settings, db, make, clock):
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    session = make.session(make.event())
    add_events(db, session.id, 7, clock)
    assert [sequence.next_seq(client, db, session.id) for _ in range(3)] == [8, 9, 10]


def test_flushed_redis_reseeds_from_sql(settings, db, make, clock):
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    session = make.session(make.event())
    assert sequence.next_seq(client, db, session.id) == 1
    add_events(db, session.id, 12, clock)
    client.flushdb()  # Redis lost everything
    assert sequence.next_seq(client, db, session.id) == 13


def test_concurrent_reseeding_never_hands_out_a_seq_twice(settings, db, make, clock):
    session = make.session(make.event())
    add_events(db, session.id, 5, clock)
    handed: list[int] = []
    start = threading.Barrier(8)

    def take() -> None:
        from plenary.extensions import db as database

        own = redis.Redis.from_url(settings.redis_url, decode_responses=True)
        start.wait()
        with database.engine.connect() as conn:
            from sqlalchemy.orm import Session

            with Session(bind=conn) as sql:
                handed.extend(sequence.next_seq(own, sql, session.id) for _ in range(10))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(handed) == list(range(6, 86))


def test_resync_raises_the_counter_above_sql(settings, db, make, clock):
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    session = make.session(make.event())
    assert sequence.next_seq(client, db, session.id) == 1
    add_events(db, session.id, 4, clock)  # rows written while the counter was behind
    assert sequence.resync(client, db, session.id) == 5
    assert db.scalar(select(func.max(RoomEvent.seq))) == 4


def test_send_survives_a_seq_collision_by_reseeding(app, settings, db, make, clock):
    """Redis lost its counter while another node's seq was in flight: the unique constraint
    catches the collision, and the sender re-seeds above SQL and tries again."""
    from plenary.models import ChatMessage
    from plenary.rooms import chat

    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    event = make.event()
    session = make.session(event)
    person, _ = make.attendee(event)
    first = chat.send_message(client, db, person_id=person.id, session_id=session.id,
                              body="one", client_id="a", now=clock.now())  # fmt: skip
    assert first["seq"] == 1
    add_events(db, session.id, 2, clock, start=2)  # seq 2, written by "another node"

    second = chat.send_message(client, db, person_id=person.id, session_id=session.id,
                               body="two", client_id="b", now=clock.now())  # fmt: skip

    assert second["seq"] == 3
    assert db.scalar(select(func.count()).select_from(ChatMessage)) == 2
