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

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
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
    options.setdefault("pool_pre_ping", True)
    # A gevent web node runs many handlers at once: keep up to 20 connections open (opened
    # lazily) rather than closing overflow ones after each burst, which re-forks a PostgreSQL
    # backend per connect. The ceiling stays 30 per process.
    options.setdefault("pool_size", 20)
    options.setdefault("max_overflow", 10)
    return create_engine(url, **options)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web node read while a worker writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
