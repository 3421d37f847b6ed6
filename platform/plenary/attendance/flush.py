"""Copies attendance from Redis to SQL, idempotently: run by the beat every 30 seconds.

Every value written is absolute (Redis's running totals), merged with what SQL holds by
taking the larger, never added: running the flush twice, or two beats at once, writes the
same rows. A Redis lock keeps two flushes from doing the work twice; the upserts keep it
right even without the lock.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import redis
from sqlalchemy import case, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession

from plenary.attendance import keys, presence
from plenary.attendance.figures import person_minutes
from plenary.models import (
    AttendanceMinute,
    AttendanceRecord,
    EventSession,
    Person,
    SessionAttendance,
)

LOCK_MS = 25_000
RETAIN_SECONDS = 24 * 3600  # Redis keeps an ended session's data this long after its last flush
UPSERT_CHUNK = 500
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def flush_attendance(r: redis.Redis, db: OrmSession, *, now: datetime) -> dict[str, Any]:
    """Expires dead nodes, then writes every active session's figures to SQL."""
    token = secrets.token_hex(8)
    if not r.set(keys.FLUSH_LOCK, token, nx=True, px=LOCK_MS):
        return {"skipped": True, "sessions": 0}
    try:
        presence.expire_dead(r, now=now)
        flushed = 0
        for session_id in sorted(int(s) for s in r.smembers(keys.ACTIVE)):
            found = db.get(EventSession, session_id)
            if found is None:
                r.srem(keys.ACTIVE, session_id)
                continue
            flush_session(r, db, session_id, now=now)
            db.commit()
            flushed += 1
            if found.status_at(now) in ("ended", "cancelled") and not r.hlen(
                keys.session_key(session_id, "online")
            ):
                _retire(r, session_id)
        return {"skipped": False, "sessions": flushed}
    finally:
        r.eval(RELEASE, 1, keys.FLUSH_LOCK, token)


def flush_session(r: redis.Redis, db: OrmSession, session_id: int, *, now: datetime) -> None:
    """One session: per-person records, the session's figures and its per-minute series."""
    pipe = r.pipeline(transaction=False)
    pipe.hmget(keys.session_key(session_id, "stat"), "peak", "peak_at")
    pipe.scard(keys.session_key(session_id, "uniq"))
    pipe.hgetall(keys.session_key(session_id, "series"))
    (peak, peak_at), unique, series = pipe.execute()
    people = person_minutes(r, session_id)
    known = _existing_people(db, set(people))
    people = {person_id: entry for person_id, entry in people.items() if person_id in known}

    _upsert(
        db,
        AttendanceRecord.__table__,
        [
            {
                "session_id": session_id,
                "person_id": person_id,
                "onsite": False,
                "minutes_online": entry["minutes"],
                "first_seen": entry["first_seen"],
                "last_seen": entry["last_seen"],
            }
            for person_id, entry in people.items()
        ],
        ["session_id", "person_id"],
        {"minutes_online": "larger", "first_seen": "earlier", "last_seen": "later"},
    )
    _upsert(
        db,
        SessionAttendance.__table__,
        [
            {
                "session_id": session_id,
                "peak": int(peak or 0),
                "peak_at": keys.from_millis(int(peak_at)) if peak_at else None,
                "unique_people": int(unique),
                "flushed_at": now,
            }
        ],
        ["session_id"],
        {"peak_at": "peak_at", "peak": "larger", "unique_people": "larger", "flushed_at": "set"},
    )
    _upsert(
        db,
        AttendanceMinute.__table__,
        [
            {
                "session_id": session_id,
                "minute": keys.minute_start(int(minute)),
                "online": int(online),
            }
            for minute, online in series.items()
        ],
        ["session_id", "minute"],
        {"online": "larger"},
    )


def _existing_people(db: OrmSession, ids: set[int]) -> set[int]:
    """People still in SQL: one erased meanwhile must not make every later flush fail."""
    ordered, found = sorted(ids), set()
    for start in range(0, len(ordered), UPSERT_CHUNK):
        chunk = ordered[start : start + UPSERT_CHUNK]
        found.update(db.scalars(select(Person.id).where(Person.id.in_(chunk))))
    return found


def stored_records(db: OrmSession, session_id: int) -> list[AttendanceRecord]:
    return list(
        db.scalars(select(AttendanceRecord).where(AttendanceRecord.session_id == session_id))
    )


def _retire(r: redis.Redis, session_id: int) -> None:
    pipe = r.pipeline(transaction=False)
    for key in keys.session_keys(session_id).values():
        pipe.expire(key, RETAIN_SECONDS)
    pipe.srem(keys.ACTIVE, session_id)
    pipe.execute()


def _upsert(db: OrmSession, table, rows: list[dict], index: list[str], merge: dict) -> None:
    """INSERT ... ON CONFLICT DO UPDATE (SQLite and PostgreSQL both have it), merging each
    column by a rule: the larger, the earlier or the later value, or simply the new one."""
    for start in range(0, len(rows), UPSERT_CHUNK):
        _upsert_chunk(db, table, rows[start : start + UPSERT_CHUNK], index, merge)


def _upsert_chunk(db: OrmSession, table, rows: list[dict], index: list[str], merge: dict) -> None:
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(rows)
    new = statement.excluded
    updates = {}
    for name, rule in merge.items():
        old = table.c[name]
        if rule == "larger":
            updates[name] = case((new[name] > old, new[name]), else_=old)
        elif rule == "earlier":
            updates[name] = case((old.is_(None) | (new[name] < old), new[name]), else_=old)
        elif rule == "later":
            updates[name] = case((old.is_(None) | (new[name] > old), new[name]), else_=old)
        elif rule == "peak_at":
            updates[name] = case((new.peak > table.c.peak, new[name]), else_=old)
        else:
            updates[name] = new[name]
    db.execute(statement.on_conflict_do_update(index_elements=index, set_=updates))
