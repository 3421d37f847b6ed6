"""The room event log in SQL: every seq'd event, the source of `missed` on rejoin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import redis
from sqlalchemy import insert, select
from sqlalchemy.orm import Session as OrmSession

from plenary.models import RoomEvent
from plenary.rooms import sequence
from plenary.rooms.broadcast import emit_after_commit

ROOM_EVENTS = RoomEvent.__table__
MISSED_CAP = 500  # more than this behind: the client resyncs from the join snapshot


def append(
    client: redis.Redis,
    db: OrmSession,
    session_id: int,
    kind: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    seq: int | None = None,
) -> dict[str, Any]:
    """Inserts an event with the session's next seq and queues its broadcast for the commit.

    The payload gets `seq` and `session_id` first, as every room event on the wire carries.
    The insert goes out at once (one statement, no unit of work): a seq collision raises
    IntegrityError here, inside the caller's retry.
    """
    wire = record(client, db, session_id, kind, payload, now=now, seq=seq)
    emit_after_commit(db, session_id, kind, wire)
    return wire


def record(
    client: redis.Redis,
    db: OrmSession,
    session_id: int,
    kind: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    seq: int | None = None,
) -> dict[str, Any]:
    """`append` without the broadcast: for a caller that sends several events as one."""
    seq = seq if seq is not None else sequence.next_seq(client, db, session_id)
    wire = {"seq": seq, "session_id": session_id, **payload}
    db.execute(insert(ROOM_EVENTS), {"session_id": session_id, "seq": seq, "kind": kind,
                                     "payload": wire, "created_at": now})  # fmt: skip
    return wire


def missed_since(
    db: OrmSession, session_id: int, since_seq: int, *, cap: int = MISSED_CAP
) -> tuple[list[list[Any]], bool]:
    """The events after `since_seq` in order as [event, payload] pairs, and whether to resync.

    Resync (and no events) when the gap is larger than `cap` or `since_seq` lies ahead of the
    room (a client from before a database restore): the join snapshot replaces its state.
    """
    rows = db.execute(
        select(RoomEvent.kind, RoomEvent.payload)
        .where(RoomEvent.session_id == session_id, RoomEvent.seq > since_seq)
        .order_by(RoomEvent.seq)
        .limit(cap + 1)
    ).all()
    if len(rows) > cap:
        return [], True
    if not rows and since_seq > sequence.latest_seq(db, session_id):
        return [], True
    return [[kind, payload] for kind, payload in rows], False


def find(db: OrmSession, session_id: int, seq: int) -> RoomEvent | None:
    return db.scalar(
        select(RoomEvent).where(RoomEvent.session_id == session_id, RoomEvent.seq == seq)
    )
