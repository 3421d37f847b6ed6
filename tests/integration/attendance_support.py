"""Shared helpers of the attendance tests."""

from __future__ import annotations

from collections.abc import Iterator

import redis


def redis_client(services) -> Iterator[redis.Redis]:
    """A Redis client on this run's (emptied) database, as the web tier configures it."""
    client = redis.Redis.from_url(services.settings.redis_url, decode_responses=True)
    yield client
    client.close()
