"""This node's cache of room snapshots: what every joiner of a session is sent alike.

A join snapshot holds per-room parts (the seq, the last 50 messages, the questions an
attendee or a moderator sees, the attendance figures) and per-person parts (the role, the
missed events). The per-room parts cost most of a join, and during a join storm they are
the same for hundreds of joiners, so each node keeps them per session until the next room
event for that session reaches it.

Why this never loses an event: the node receives every room event through the message
queue and calls `invalidate` *before* delivering it to the room. A joiner enters the room
first and reads the cache second. An event delivered before the joiner entered was
invalidated before the read, so the joiner's snapshot is built from SQL after that event's
commit and holds it; an event delivered after the joiner entered reaches it live. A build
that overlaps an invalidation is not kept (a generation number per session). `max_age`
bounds how stale the attendance figures can be and what a lost pub/sub message could hide.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_AGE_SECONDS = 2.0


@dataclass(frozen=True)
class _Entry:
    generation: int
    built_at: float
    parts: dict[str, Any]


class RoomSnapshots:
    def __init__(self, max_age: float = MAX_AGE_SECONDS, monotonic=time.monotonic) -> None:
        self.max_age = max_age
        self.monotonic = monotonic
        self._entries: dict[int, _Entry] = {}
        self._generations: dict[int, int] = {}
        self._locks: dict[int, threading.Lock] = {}  # under gevent's patching: greenlet locks
        self.builds = 0  # how many times a snapshot was read from SQL and Redis

    def invalidate(self, session_id: int) -> None:
        """A room event for the session reached this node: what is cached may lack it."""
        self._generations[session_id] = self._generations.get(session_id, 0) + 1
        self._entries.pop(session_id, None)

    def get(self, session_id: int, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The cached per-room parts, or `build()`'s, built by one caller at a time."""
        entry = self._valid(session_id)
        if entry is not None:
            return entry.parts
        with self._locks.setdefault(session_id, threading.Lock()):
            entry = self._valid(session_id)  # another joiner built it while this one waited
            if entry is not None:
                return entry.parts
            generation = self._generations.get(session_id, 0)
            started = self.monotonic()
            parts = build()
            self.builds += 1
            if self._generations.get(session_id, 0) == generation:
                self._entries[session_id] = _Entry(generation, started, parts)
            return parts

    def _valid(self, session_id: int) -> _Entry | None:
        entry = self._entries.get(session_id)
        if entry is None or entry.generation != self._generations.get(session_id, 0):
            return None
        if self.monotonic() - entry.built_at > self.max_age:
            return None
        return entry


snapshots = RoomSnapshots()
