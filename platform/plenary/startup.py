"""Checks made before a tier starts: each failure is one clear line naming the setting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from plenary.config import Settings
from plenary.db import make_engine
from plenary.embedded_redis import EmbeddedRedis


class StartupError(Exception):
    """A service the platform needs does not answer; the message says which and why."""


def check_database(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        raise StartupError(f"DATABASE_URL: cannot connect ({reason})") from None
    finally:
        engine.dispose()


def check_redis(url: str, setting: str = "REDIS_URL") -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise StartupError(f"{setting}: cannot reach Redis at {url} ({exc})") from None


def ensure_redis(settings: Settings) -> EmbeddedRedis | None:
    """Checks the configured Redis, or starts the embedded one; returns it if we started it."""
    if not settings.embedded_redis:
        check_redis(settings.redis_url)
        return None
    embedded = EmbeddedRedis(settings.var_dir)
    try:
        embedded.start()
    except RuntimeError as exc:
        raise StartupError(f"REDIS_URL unset and the embedded Redis failed: {exc}") from None
    return embedded if embedded.process is not None else None


@contextmanager
def services_checked(settings: Settings) -> Iterator[None]:
    """Redis reached (the embedded one started if needed, and stopped after) and SQL checked."""
    embedded = ensure_redis(settings)
    try:
        check_database(settings)
        yield
    finally:
        if embedded:
            embedded.stop()
