"""Who is online in which session, kept in Redis by the web nodes.

A person is online in a session while at least one of their connections has joined it (three
tabs count once). Every connection belongs to a web node; each node refreshes its own
connections in one pipelined call every few seconds, and the connections of a node that
stopped refreshing are dropped by `expire_dead`. Time always comes from the caller's `now`.
Each function is one round trip to Redis and O(1) per connection (O(log n) for the node ZSET).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import redis

from plenary.attendance import keys, scripts

# A node that has not refreshed for this long is dead. Nodes refresh every REFRESH_SECONDS
# and each refresh also runs the expiry, so a dead node's people leave the count within
# NODE_STALE_MS + REFRESH_SECONDS * 1000 (50 s) even without the beat.
NODE_STALE_MS = 45_000
REFRESH_SECONDS = 5
BROADCAST_INTERVAL_MS = 1000
EXPIRE_BUDGET = 2000  # connections dropped per script call (a few ms of Redis time)


def enter(
    r: redis.Redis, *, node_id: str, sid: str, person_id: int, session_id: int, now: datetime
) -> dict[str, Any]:
    """A connection joins a session's room; returns the session's figures afterwards.

    Idempotent per (node, sid, session): a repeated join changes nothing.
    """
    ms = keys.millis(now)
    found = scripts.call(r, "enter", _enter_keys(node_id, session_id), [
        node_id, keys.conn_field(session_id, sid), person_id, ms, keys.minute_of(ms), session_id,
    ])  # fmt: skip
    return _figures(session_id, found)


def leave(
    r: redis.Redis, *, node_id: str, sid: str, session_id: int, now: datetime
) -> dict[str, Any]:
    """A connection leaves a session (leave event or disconnect); unknown ones are ignored."""
    ms = keys.millis(now)
    found = scripts.call(
        r,
        "leave",
        _leave_keys(node_id, session_id),
        [keys.conn_field(session_id, sid), ms, keys.minute_of(ms)],
    )
    return _figures(session_id, found)


def apply_batch(
    r: redis.Redis, *, node_id: str, changes: Iterable[tuple[str, str, int, int]], now: datetime
) -> list[dict[str, Any]]:
    """Many joins and leaves of one node in one round trip (join and reconnect storms).

    `changes`: ("enter", sid, person_id, session_id) or ("leave", sid, 0, session_id).
    """
    ms = keys.millis(now)
    minute = keys.minute_of(ms)
    changes = list(changes)

    def fill(pipe) -> None:
        for kind, sid, person_id, session_id in changes:
            field = keys.conn_field(session_id, sid)
            if kind == "enter":
                args = [node_id, field, person_id, ms, minute, session_id]
                scripts.evalsha(pipe, "enter", _enter_keys(node_id, session_id), args)
            else:
                args = [field, ms, minute]
                scripts.evalsha(pipe, "leave", _leave_keys(node_id, session_id), args)

    results = scripts.run_pipeline(r, fill)
    return [_figures(change[3], found) for change, found in zip(changes, results, strict=True)]


def refresh_node(
    r: redis.Redis,
    *,
    node_id: str,
    sids: Iterable[tuple[str, int, int]],
    now: datetime,
    stale_ms: int = NODE_STALE_MS,
) -> None:
    """The node's heartbeat: marks the minute for everyone it holds, restores any connection
    Redis lost, and expires dead nodes, all in one pipelined round trip.

    `sids`: (sid, person_id, session_id) for every session room each connection is in.
    """
    ms = keys.millis(now)
    minute = keys.minute_of(ms)
    by_session: dict[int, list] = defaultdict(list)
    for sid, person_id, session_id in sids:
        by_session[session_id].extend((sid, person_id))

    def fill(pipe) -> None:
        pipe.zadd(keys.NODES, {node_id: ms}, gt=True)
        for session_id, pairs in by_session.items():
            session_keys = keys.session_keys(session_id)
            scripts.evalsha(
                pipe,
                "refresh",
                [keys.node_conns(node_id), *session_keys.values(), keys.ACTIVE],
                [session_id, ms, minute, *pairs],
            )
        _fill_expire(pipe, ms, stale_ms)

    scripts.run_pipeline(r, fill)


def expire_dead(r: redis.Redis, *, now: datetime, stale_ms: int = NODE_STALE_MS) -> int:
    """Drops the connections of nodes that stopped refreshing; returns how many were dropped."""
    ms = keys.millis(now)
    dropped = 0
    while True:  # a bounded amount per call, so that one call never blocks Redis for long
        dropped += int(scripts.call(r, "expire", [keys.NODES], _expire_args(ms, stale_ms)))
        if not r.zcount(keys.NODES, "-inf", f"({ms - stale_ms}"):
            return dropped


def should_broadcast(
    r: redis.Redis, session_id: int, now: datetime, interval_ms: int = BROADCAST_INTERVAL_MS
) -> bool:
    """True at most once per `interval_ms` per session, across all nodes (the `attendance`
    room event is throttled to once a second). A caller told False should rely on the next
    change or the node's periodic broadcast to carry the latest figures."""
    gate = keys.session_key(session_id, "gate")
    return bool(scripts.call(r, "throttle", [gate], [keys.millis(now), interval_ms]))


def _fill_expire(pipe, ms: int, stale_ms: int) -> None:
    scripts.evalsha(pipe, "expire", [keys.NODES], _expire_args(ms, stale_ms))


def _expire_args(ms: int, stale_ms: int) -> list:
    return [keys.PREFIX, ms, stale_ms, EXPIRE_BUDGET]


def _enter_keys(node_id: str, session_id: int) -> list[str]:
    k = keys.session_keys(session_id)
    return [
        keys.node_conns(node_id), keys.NODES, k["online"], k["people"], k["uniq"],
        k["stat"], k["series"], keys.ACTIVE,
    ]  # fmt: skip


def _leave_keys(node_id: str, session_id: int) -> list[str]:
    k = keys.session_keys(session_id)
    return [keys.node_conns(node_id), k["online"], k["people"], k["uniq"], k["stat"], k["series"]]


def _figures(session_id: int, found: list) -> dict[str, Any]:
    online, peak, peak_at, unique = found
    return {
        "session_id": session_id,
        "online": int(online),
        "peak": int(peak),
        "peak_at": keys.iso_of_millis(peak_at) if peak_at else None,
        "unique": int(unique),
    }
