"""Fixed-window rate limits in Redis: shared by every web node, forgotten when the window ends."""

from __future__ import annotations

import redis


def allow(client: redis.Redis, key: str, limit: int, window_seconds: int) -> bool:
    """Counts one hit on `key`; False once more than `limit` hits fall in the current window."""
    full_key = f"ratelimit:{key}"
    with client.pipeline() as pipe:
        pipe.incr(full_key)
        pipe.ttl(full_key)
        count, ttl = pipe.execute()
    if ttl < 0:  # a new window (EXPIRE … NX would need Redis 7; the embedded one is 6.2)
        client.expire(full_key, window_seconds)
    return count <= limit
