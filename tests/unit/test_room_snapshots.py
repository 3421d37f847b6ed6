"""The per-node cache of join snapshots: kept until a room event, never kept stale."""

from __future__ import annotations

import threading

from plenary.rooms.names import moderators_room, session_of_room, session_room
from plenary.rooms.snapshots import RoomSnapshots


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def counting_builder(label: str = "parts"):
    calls = []

    def build() -> dict:
        calls.append(label)
        return {"built": len(calls)}

    return build, calls


def test_a_snapshot_is_built_once_and_served_until_a_room_event_invalidates_it():
    cache = RoomSnapshots(monotonic=Clock())
    build, calls = counting_builder()

    assert cache.get(7, build) == {"built": 1}
    assert cache.get(7, build) == {"built": 1}
    cache.invalidate(7)
    assert cache.get(7, build) == {"built": 2}
    assert len(calls) == 2 and cache.builds == 2


def test_an_event_for_another_session_leaves_the_snapshot_alone():
    cache = RoomSnapshots(monotonic=Clock())
    build, calls = counting_builder()
    cache.get(7, build)
    cache.invalidate(8)
    cache.get(7, build)
    assert len(calls) == 1


def test_a_build_that_overlaps_an_invalidation_is_served_once_but_not_kept():
    cache = RoomSnapshots(monotonic=Clock())
    calls = []

    def build_while_an_event_arrives() -> dict:
        calls.append(1)
        if len(calls) == 1:
            cache.invalidate(7)  # the event was committed while SQL was being read
        return {"built": len(calls)}

    assert cache.get(7, build_while_an_event_arrives) == {"built": 1}
    assert cache.get(7, build_while_an_event_arrives) == {"built": 2}
    assert cache.get(7, build_while_an_event_arrives) == {"built": 2}


def test_a_snapshot_older_than_max_age_is_rebuilt():
    clock = Clock()
    cache = RoomSnapshots(max_age=2.0, monotonic=clock)
    build, calls = counting_builder()
    cache.get(7, build)
    clock.now += 1.9
    cache.get(7, build)
    assert len(calls) == 1
    clock.now += 0.2
    cache.get(7, build)
    assert len(calls) == 2


def test_concurrent_joiners_of_an_uncached_room_build_it_once():
    cache = RoomSnapshots(monotonic=Clock())
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow_build() -> dict:
        calls.append(1)
        started.set()
        release.wait(5)
        return {"built": len(calls)}

    results = []
    first = threading.Thread(target=lambda: results.append(cache.get(7, slow_build)))
    first.start()
    started.wait(5)
    others = [threading.Thread(target=lambda: results.append(cache.get(7, slow_build)))
              for _ in range(5)]  # fmt: skip
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(5)
    assert len(calls) == 1 and results == [{"built": 1}] * 6


def test_room_names_map_back_to_their_session():
    assert session_of_room(session_room(42)) == 42
    assert session_of_room(moderators_room(42)) == 42
    assert session_of_room("event:3:organizers") is None
    assert session_of_room("session:abc") is None
    assert session_of_room(None) is None
    assert session_of_room("some-sid-room") is None
