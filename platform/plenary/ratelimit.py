"""Fixed-window rate limits in Redis: shared by every web node, forgotten when the window ends."""

from __future__ import annotations

import redis


def allow(client: redis.Redis, key: str, limit: int, window_seconds: int) -> bool:
    """Counts one hit on `key`; False once more than `limit` hits fall in the current window."""
    full_key = f"ratelimit:{key}"
    with client.pipeline() as pipe:
        pipe.incr(full_key)
        pipe.expire(full_key, window_seconds, nx=True)
        count, _ = pipe.execute()
    return count <= limit
