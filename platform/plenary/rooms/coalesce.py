"""At most one broadcast per interval per key, with a trailing one for changes inside it.

The pattern of `presence.announce`, shared by vote counts and poll results: a Redis
SET NX PX gate (shared by every node) lets the first change through at once; changes inside
the interval schedule one trailing broadcast for when the gate expires, which reads the
state afresh, so the last change is never lost and a storm of changes costs at most one
broadcast per interval. Every broadcast, trailing ones too, first takes the gate with NX.

Why the trailing broadcast waits for the gate to expire and then takes it: sleeping one
interval from the change instead let a change slip through the expired gate just before
the trailing broadcast, up to four a second. When it cannot take the gate (a change took it
first, or Redis's clock is a millisecond behind ours), it waits for that gate in turn,
unless another trailing broadcast was scheduled since, which will read after it.

While this process has a trailing broadcast scheduled for a key, a change here needs no
Redis call: that broadcast clears the mark before it takes the gate and reads the state
afterwards, so it carries every change committed while the mark was up. In a vote storm
this is most votes' only coalescing cost.
"""

from __future__ import annotations

from collections.abc import Callable

import redis

from plenary.extensions import socketio

# (Redis client, gate) pairs with a trailing broadcast scheduled in this process: the
# client tells apart two apps in one process (tests) that share question ids.
_scheduled: set[tuple[int, str]] = set()


def throttled(client: redis.Redis, key: str, interval_ms: int, publish: Callable[[], None]) -> None:
    """Calls `publish` now if `key` was quiet for `interval_ms`, else once the interval ends.

    Call it after the change has committed: `publish` must read a state that includes it.
    """
    gate = f"plenary:coalesce:{key}"
    mark = (id(client), gate)
    if mark in _scheduled:
        return
    if client.set(gate, "1", nx=True, px=interval_ms):
        _publish(client, gate, interval_ms, publish)
    elif client.set(f"{gate}:pending", "1", nx=True, px=interval_ms * 2):
        _scheduled.add(mark)
        socketio.start_background_task(_trailing, client, gate, interval_ms, publish)


def _trailing(
    client: redis.Redis, gate: str, interval_ms: int, publish: Callable[[], None]
) -> None:
    mark = (id(client), gate)
    try:
        while True:
            left_ms = client.pttl(gate)
            if left_ms > 0:
                socketio.sleep(left_ms / 1000)
            # From here a change schedules its own trailing broadcast or broadcasts itself.
            _scheduled.discard(mark)
            client.delete(f"{gate}:pending")
            if client.set(gate, "1", nx=True, px=interval_ms):
                _publish(client, gate, interval_ms, publish)
                return
            if not client.set(f"{gate}:pending", "1", nx=True, px=interval_ms * 2):
                return  # a trailing broadcast scheduled after our mark went down reads later
            _scheduled.add(mark)
    finally:
        _scheduled.discard(mark)


def _publish(client: redis.Redis, gate: str, interval_ms: int, publish: Callable[[], None]) -> None:
    """Publishes, then holds the gate a full interval from the end: a broadcast slowed by a
    busy server must not leave just before the next one (listeners would get both at once)."""
    try:
        publish()
    finally:
        client.set(gate, "1", px=interval_ms)
