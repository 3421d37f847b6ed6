"""At most one broadcast per interval per key, with a trailing one for changes inside it.

The pattern of `presence.announce`, shared by vote counts and poll results: a Redis
SET NX PX gate (shared by every node) lets the first change through at once; changes inside
the interval schedule one trailing broadcast at its end, which reads the state afresh, so the
last change is never lost and a storm of changes costs a bounded number of broadcasts.
"""

from __future__ import annotations

from collections.abc import Callable

import redis

from plenary.extensions import socketio


def throttled(client: redis.Redis, key: str, interval_ms: int, publish: Callable[[], None]) -> None:
    """Calls `publish` now if `key` was quiet for `interval_ms`, else once at the interval's end."""
    gate = f"plenary:coalesce:{key}"
    if client.set(gate, "1", nx=True, px=interval_ms):
        publish()
    elif client.set(f"{gate}:pending", "1", nx=True, px=interval_ms * 2):
        socketio.start_background_task(_later, client, gate, interval_ms, publish)


def _later(client: redis.Redis, gate: str, interval_ms: int, publish: Callable[[], None]) -> None:
    socketio.sleep(interval_ms / 1000)
    # Hold the gate for the next interval first: the trailing broadcast counts as one.
    client.set(gate, "1", px=interval_ms)
    client.delete(f"{gate}:pending")
    publish()
