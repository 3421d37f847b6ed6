"""The SQL database: one engine and one scoped session factory per process.

Domain services take the session from `db.session`; the web tier removes it at the end of
each request, a Celery task at the end of each task. The scope is thread-local, which under
gevent's monkey-patching means greenlet-local: one session per request or socket event.

`db.reads` is the same, on autocommit connections of the same pool, for the socket events
that only read (connect, `session:join`): no BEGIN and no ROLLBACK round trips around their
one or two statements, which halves what a join costs the database driver. PostgreSQL's
default READ COMMITTED already gives each statement its own snapshot, so the reads see what
they saw inside a transaction. Nothing may be written through it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import scoped_session, sessionmaker


class Database:
    """Created unbound in `extensions`, bound to a URL by `bind()` in the factory."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))
        self.reads = scoped_session(sessionmaker())
        event.listen(self.session, "after_commit", _release_after_commit)
        event.listen(self.session, "after_rollback", _drop_after_commit)

    def bind(self, url: str, **engine_options) -> None:
        if self.engine is not None and str(self.engine.url) == url:
            return
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(url, **engine_options)
        self.session.remove()
        self.session.configure(bind=self.engine)
        self.reads.remove()
        self.reads.configure(bind=self.engine.execution_options(isolation_level="AUTOCOMMIT"))

    @contextmanager
    def transaction(self) -> Iterator[OrmSession]:
        """Commits on success, rolls back on error; after-commit hooks run only on success."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def remove(self, *_args) -> None:
        self.session.remove()
        self.reads.remove()


def autocommit(session: OrmSession) -> None:
    """Makes each statement of the session's next transaction commit on its own.

    For one conditional UPDATE that is atomic by itself (an outbox claim or mark): no BEGIN
    and no COMMIT round trip around it. Call it before the transaction's first statement;
    `commit()` then only returns the connection, reset, to the pool. Inside a transaction
    already begun it does nothing: the statement joins it and the caller's commit covers it.
    """
    if session.in_transaction():
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def after_commit(session: OrmSession, callback: Callable[[], object]) -> None:
    """Runs `callback` once the session's transaction commits; never if it rolls back.

    Broadcasts, task enqueues and emails go through here, so that a rolled-back change
    sends nothing and a receiver never reads a row that is not yet committed.
    """
    session.info.setdefault("after_commit", []).append(callback)


def _release_after_commit(session: OrmSession) -> None:
    callbacks = session.info.pop("after_commit", [])
    for callback in callbacks:
        callback()


def _drop_after_commit(session: OrmSession) -> None:
    session.info.pop("after_commit", None)


def make_engine(url: str, **options) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    ping_after = options.pop("ping_after_idle", PING_AFTER_IDLE_SECONDS)
    # A gevent web node runs many handlers at once: keep up to 20 connections open (opened
    # lazily) rather than closing overflow ones after each burst, which re-forks a PostgreSQL
    # backend per connect. The ceiling stays 30 per process.
    options.setdefault("pool_size", 20)
    options.setdefault("max_overflow", 10)
    engine = create_engine(url, **options)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", lambda conn, record, _proxy: _ping_if_idle(
        engine, conn, record, ping_after))  # fmt: skip
    return engine


# SQLAlchemy's pool_pre_ping pings on every checkout: a round trip per transaction, as much
# as the work itself for one-statement transactions (an outbox claim). A connection returned
# to the pool moments ago was alive moments ago; only one idle longer is pinged first.
PING_AFTER_IDLE_SECONDS = 5.0


def _note_checkin(_dbapi_connection, record) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(engine: Engine, dbapi_connection, record, after: float) -> None:
    checked_in_at = record.info.get("checked_in_at")
    if checked_in_at is None or time.monotonic() - checked_in_at <= after:
        return
    try:
        engine.dialect.do_ping(dbapi_connection)
    except Exception as exc:  # dropped (a server restart, an idle timeout): the pool retries
        raise DisconnectionError(str(exc)) from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web node read while a worker writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
