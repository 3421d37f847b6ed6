"""The PostgreSQL pool pings a connection only when it sat idle, and replaces a dead one."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from plenary.db import make_engine
from tests.support.smtp import wait_until


@pytest.fixture
def postgres_url(settings) -> str:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: the pool of a SQLite file has no server to lose")
    return settings.database_url


def killed_behind_the_pools_back(engine, killer) -> int:
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    with killer.connect() as conn:  # the connection is back in the pool, idle
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    def gone() -> bool:
        with killer.connect() as conn:
            query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            return conn.execute(query, {"pid": pid}).scalar() == 0

    wait_until(gone, 30, f"backend {pid} to exit")
    return pid


def test_a_connection_idle_longer_than_the_threshold_is_pinged_and_replaced(postgres_url):
    engine, killer = make_engine(postgres_url, ping_after_idle=0), make_engine(postgres_url)
    try:
        pid = killed_behind_the_pools_back(engine, killer)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()
        killer.dispose()


def test_a_connection_reused_at_once_is_not_pinged(postgres_url):
    engine, killer = make_engine(postgres_url, ping_after_idle=3600), make_engine(postgres_url)
    try:
        killed_behind_the_pools_back(engine, killer)
        with pytest.raises(OperationalError), engine.connect() as conn:
            conn.execute(text("SELECT 1"))  # no ping: the dead connection is used as is
    finally:
        engine.dispose()
        killer.dispose()
