"""Who is in a room right now: a minimal placeholder kept in Redis.

One person in three tabs counts once (a per-person connection count). The attendance issue
replaces this module with heartbeats that expire, so that a crashed node's connections drop
out; until then the figures come from joins and leaves only. `attendance` is the one call
the join snapshot and the live count use.
"""

from __future__ import annotations

from typing import Any

import redis

from plenary.extensions import socketio
from plenary.rooms.broadcast import emit_room_event

ANNOUNCE_INTERVAL_MS = 1000  # `attendance` at most once a second per session (CONTRACT)

# KEYS: online hash (person -> connections), unique set, peak. ARGV: person, +1 or -1.
_MOVE = """
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if count <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
if tonumber(ARGV[2]) > 0 then redis.call('SADD', KEYS[2], ARGV[1]) end
local online = redis.call('HLEN', KEYS[1])
local peak = tonumber(redis.call('GET', KEYS[3]) or '0')
if online > peak then peak = online; redis.call('SET', KEYS[3], peak) end
return {online, peak, redis.call('SCARD', KEYS[2])}
"""
_scripts: dict[int, object] = {}


def _keys(session_id: int) -> list[str]:
    base = f"plenary:room:{session_id}"
    return [f"{base}:online", f"{base}:unique", f"{base}:peak"]


def _figures(session_id: int, online: int, peak: int, unique: int) -> dict[str, Any]:
    return {"session_id": session_id, "online": int(online), "peak": int(peak),
            "unique": int(unique), "onsite": 0}  # fmt: skip


def arrive(client: redis.Redis, session_id: int, person_id: int) -> dict[str, Any]:
    return _move(client, session_id, person_id, 1)


def depart(client: redis.Redis, session_id: int, person_id: int) -> dict[str, Any]:
    return _move(client, session_id, person_id, -1)


def attendance(client: redis.Redis, session_id: int) -> dict[str, Any]:
    """{session_id, online, peak, unique, onsite} for the join snapshot."""
    online_key, unique_key, peak_key = _keys(session_id)
    pipe = client.pipeline(transaction=False)
    pipe.hlen(online_key).get(peak_key).scard(unique_key)
    online, peak, unique = pipe.execute()
    return _figures(session_id, online, peak or 0, unique)


def announce(client: redis.Redis, session_id: int) -> None:
    """Broadcasts the room's figures now, or once at the end of this second if just sent."""
    base = f"plenary:room:{session_id}"
    if client.set(f"{base}:announced", "1", nx=True, px=ANNOUNCE_INTERVAL_MS):
        emit_room_event(session_id, "attendance", attendance(client, session_id))
    elif client.set(f"{base}:announce-pending", "1", nx=True, px=ANNOUNCE_INTERVAL_MS * 2):
        socketio.start_background_task(_announce_later, client, session_id)


def _announce_later(client: redis.Redis, session_id: int) -> None:
    socketio.sleep(ANNOUNCE_INTERVAL_MS / 1000)
    client.delete(f"plenary:room:{session_id}:announce-pending")
    emit_room_event(session_id, "attendance", attendance(client, session_id))


def _move(client: redis.Redis, session_id: int, person_id: int, step: int) -> dict[str, Any]:
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_MOVE)
    online, peak, unique = script(keys=_keys(session_id), args=[person_id, step])
    return _figures(session_id, online, peak, unique)
