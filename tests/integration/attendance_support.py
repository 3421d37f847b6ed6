"""Shared helpers of the attendance tests."""

from __future__ import annotations

import pytest
import redis


@pytest.fixture
def r(fresh):
    """A Redis client on this run's (emptied) database, as the web tier configures it."""
    client = redis.Redis.from_url(fresh.settings.redis_url, decode_responses=True)
    yield client
    client.close()
