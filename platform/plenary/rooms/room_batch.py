"""Adaptive `room:batch` coalescing: several room events to one room in one frame.

Per room (the session's room and its moderators' room are separate rooms), in this web
node's process: the first event after a quiet window goes out at once, so a quiet room
sees no added latency; events that follow within `window` seconds are queued and go out as
one `room:batch` frame {session_id, events: [[event, payload], ...]} (seq order) when the
window closes. One frame per batch means one Redis publish and one WebSocket frame per
recipient instead of one per event, which is what fan-out costs (docs/BENCHMARKS.md).
Each node batches only what it emits; clients order and dedupe by seq, so batches from
several nodes interleave safely.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BATCH_EVENT = "room:batch"

Send = Callable[[str, dict[str, Any], str], None]  # (event, payload, room)
Spawn = Callable[[float, Callable[[], None]], Any]  # run the callable after a delay (s)


@dataclass
class _Room:
    session_id: int
    last_sent: float = float("-inf")
    queued: list[list[Any]] = field(default_factory=list)
    flush_scheduled: bool = False


def in_seq_order(events: list[list[Any]]) -> list[list[Any]]:
    """Sorts [event, payload] pairs by payload seq; an event without seq keeps its place
    after the seq'd event that preceded it (stable sort)."""
    keyed, last = [], float("-inf")
    for pair in events:
        seq = pair[1].get("seq") if isinstance(pair[1], dict) else None
        if isinstance(seq, int):
            last = seq
        keyed.append((last, pair))
    keyed.sort(key=lambda item: item[0])
    return [pair for _key, pair in keyed]


class RoomCoalescer:
    """Queues room events per room and flushes each room's queue as one frame.

    `send(event, payload, room)` does the actual emit; `spawn(delay, fn)` runs `fn` later in
    its own greenlet (one flusher per room with a non-empty queue, started on demand);
    `clock()` is a monotonic time in seconds. All three are injectable for tests.
    """

    def __init__(self, window: float, send: Send, spawn: Spawn, clock=time.monotonic):
        self.window = window
        self._send, self._spawn, self._clock = send, spawn, clock
        self._rooms: dict[str, _Room] = {}
        self._lock = threading.Lock()  # a gevent lock once monkey-patched

    def emit(self, session_id: int, room: str, event: str, payload: dict[str, Any]) -> None:
        """Sends now if the room was quiet for a window, else queues for the room's flush."""
        self.emit_many(session_id, room, [[event, payload]])

    def emit_many(self, session_id: int, room: str, events: list[list[Any]]) -> None:
        """Several events as one unit: one frame now if the room was quiet, else queued
        together (a change that touched several questions reaches clients in one frame)."""
        now = self._clock()
        with self._lock:
            state = self._rooms.get(room)
            if state is None:
                state = self._rooms[room] = _Room(session_id)
            if not state.queued and now - state.last_sent >= self.window:
                state.last_sent = now
                send_now = True
            else:
                send_now = False
                state.queued.extend(events)
                if not state.flush_scheduled:
                    state.flush_scheduled = True
                    delay = max(0.0, state.last_sent + self.window - now)
                    self._spawn(delay, lambda: self.flush(room))
        if send_now:
            self._send_events(state.session_id, room, events)

    def flush(self, room: str) -> None:
        """Sends the room's queue: a lone event as itself, several as one `room:batch`."""
        with self._lock:
            state = self._rooms.get(room)
            if state is None:
                return
            events, state.queued = state.queued, []
            state.flush_scheduled = False
            state.last_sent = self._clock()
            if not events:
                return
        self._send_events(state.session_id, room, events)

    def _send_events(self, session_id: int, room: str, events: list[list[Any]]) -> None:
        """A lone event as itself, several as one `room:batch`."""
        if len(events) == 1:
            self._send(events[0][0], events[0][1], room)
        else:
            batch = {"session_id": session_id, "events": in_seq_order(events)}
            self._send(BATCH_EVENT, batch, room)

    def pending(self, room: str) -> int:
        state = self._rooms.get(room)
        return len(state.queued) if state else 0
