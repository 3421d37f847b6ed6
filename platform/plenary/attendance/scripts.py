"""Lua scripts run by SHA in one round trip, reloaded once if Redis forgot them (a restart)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import redis
from redis.exceptions import NoScriptError

from plenary.attendance import lua

SOURCES = {
    "enter": lua.ENTER,
    "leave": lua.LEAVE,
    "refresh": lua.REFRESH,
    "expire": lua.EXPIRE,
    "throttle": lua.THROTTLE,
    "read": lua.READ,
}
SHAS = {name: hashlib.sha1(source.encode()).hexdigest() for name, source in SOURCES.items()}


def load_all(r: redis.Redis) -> None:
    for source in SOURCES.values():
        r.script_load(source)


def call(r: redis.Redis, name: str, keys: list[str], args: list[Any]) -> Any:
    """EVALSHA, falling back to loading the scripts once (the cache is empty after a restart)."""
    try:
        return r.evalsha(SHAS[name], len(keys), *keys, *args)
    except NoScriptError:
        load_all(r)
        return r.evalsha(SHAS[name], len(keys), *keys, *args)


def run_pipeline(r: redis.Redis, fill: Callable[[Any], None]) -> list[Any]:
    """Runs `fill(pipe)`'s commands in one round trip; the retry after NOSCRIPT is idempotent
    because every script here sets absolute state or is guarded by HSETNX."""
    for attempt in (1, 2):
        pipe = r.pipeline(transaction=False)
        fill(pipe)
        try:
            return pipe.execute()
        except NoScriptError:
            if attempt == 2:
                raise
            load_all(r)
    raise AssertionError("unreachable")


def evalsha(pipe: Any, name: str, keys: list[str], args: list[Any]) -> None:
    pipe.evalsha(SHAS[name], len(keys), *keys, *args)
