"""`db.reads`: the socket events' read-only sessions run on autocommit connections."""

import pytest
from sqlalchemy import select

from plenary.extensions import db as database
from plenary.models import Person


def _in_transaction(session) -> bool:
    dbapi = session.connection().connection.driver_connection
    if session.bind.dialect.name == "postgresql":
        from psycopg.pq import TransactionStatus

        return dbapi.info.transaction_status != TransactionStatus.IDLE
    return dbapi.in_transaction


def test_a_read_opens_no_transaction_and_sees_committed_rows(make, db):
    person = make.person()
    db.commit()
    reads = database.reads()
    try:
        assert reads.scalar(select(Person.id).where(Person.id == person.id)) == person.id
        assert _in_transaction(reads) is False
    finally:
        database.remove()


def test_the_ordinary_session_still_runs_in_a_transaction(make, db):
    if db.bind.dialect.name != "postgresql":
        pytest.skip("pysqlite opens a transaction only before a write: nothing to tell apart")
    person = make.person()
    db.commit()
    assert db.scalar(select(Person.id).where(Person.id == person.id)) == person.id
    assert _in_transaction(db) is True


def test_remove_returns_both_sessions(fresh):
    reads, writes = database.reads(), database.session()
    database.remove()
    assert database.reads() is not reads
    assert database.session() is not writes
    database.remove()
