"""The per-session `seq`: a Redis counter that re-seeds itself from SQL when Redis lost it.

Redis is fast and shared by every web node; SQL is the truth. When the key is missing (a
flushed or restarted Redis), the next caller reads MAX(seq) from SQL and seeds the counter
atomically in Lua, so two nodes cannot both start again from the same number. The unique
constraint on room_events (session_id, seq) catches what slips through (a seq handed out but
not yet committed when Redis was lost): the writer then calls `resync` and tries again.
"""

from __future__ import annotations

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from plenary.models import RoomEvent

# Increments only a counter that exists: nil tells the caller to seed it from SQL.
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
return nil
"""
# Raises the counter to at least the SQL floor, then increments: safe for any number of
# concurrent seeders, whatever their floors.
_SEED_AND_INCR = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if current < floor then redis.call('SET', KEYS[1], floor) end
return redis.call('INCR', KEYS[1])
"""
_scripts: dict[int, tuple] = {}


def seq_key(session_id: int) -> str:
    return f"plenary:room:{session_id}:seq"


def _script_pair(client: redis.Redis) -> tuple:
    pair = _scripts.get(id(client))
    if pair is None:
        pair = (client.register_script(_INCR_EXISTING), client.register_script(_SEED_AND_INCR))
        _scripts[id(client)] = pair
    return pair


def next_seq(client: redis.Redis, db: OrmSession, session_id: int) -> int:
    """The session's next seq: one Redis round trip, plus one SQL read after Redis lost it."""
    incr_existing, _ = _script_pair(client)
    value = incr_existing(keys=[seq_key(session_id)])
    if value is None:
        return resync(client, db, session_id)
    return int(value)


def resync(client: redis.Redis, db: OrmSession, session_id: int) -> int:
    """Raises the counter to SQL's MAX(seq) and returns the next seq above it."""
    _, seed_and_incr = _script_pair(client)
    return int(seed_and_incr(keys=[seq_key(session_id)], args=[latest_seq(db, session_id)]))


def latest_seq(db: OrmSession, session_id: int) -> int:
    """The highest committed seq of the session (0 when nothing happened yet)."""
    value = db.scalar(select(func.max(RoomEvent.seq)).where(RoomEvent.session_id == session_id))
    return int(value or 0)
