"""Redis key names of attendance, built in one place (the Lua expiry script mirrors them)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from plenary.events.wire import iso

PREFIX = "att:"
NODES = PREFIX + "nodes"
ACTIVE = PREFIX + "active"
FLUSH_LOCK = PREFIX + "flush:lock"


def node_conns(node_id: str) -> str:
    return f"{PREFIX}node:{node_id}"


def session_key(session_id: int, part: str) -> str:
    """part: online, people, uniq, stat, series or gate."""
    return f"{PREFIX}s:{session_id}:{part}"


def session_keys(session_id: int) -> dict[str, str]:
    parts = ("online", "people", "uniq", "stat", "series")
    return {part: session_key(session_id, part) for part in parts}


def conn_field(session_id: int, sid: str) -> str:
    return f"{session_id}|{sid}"


def millis(now: datetime) -> int:
    if now.tzinfo is None:
        raise ValueError("attendance needs aware datetimes")
    return int(now.timestamp() * 1000)


def minute_of(ms: int) -> int:
    """Minutes since the Unix epoch: the unit minutes online are counted in."""
    return ms // 60000


def from_millis(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def minute_start(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


@lru_cache(maxsize=4096)
def iso_of_millis(ms: str | int) -> str:
    """A Redis millisecond timestamp as the contract's ISO 8601 (peaks change rarely: cached)."""
    return iso(from_millis(int(ms)))
