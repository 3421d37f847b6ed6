"""The live rooms' side of attendance: this web node's connections, and `attendance` pushes.

Counting lives in `plenary.attendance` (Redis, heartbeats, minutes). This module holds what
only this process knows: its node id and which of its connections are in which session, so
that one greenlet can refresh them all in one round trip every few seconds. It also sends
`attendance` to a session's room and its event's organizers at most once a second; a change
that falls inside the quiet second is carried by the next refresh. The refresh reads every
held session's figures in one go and pushes only those that differ from what this node last
pushed (a room of 3,000 was otherwise sent the same figures every 5 s). A large room is
sent its figures less often: at most PUSH_DELIVERIES_PER_SECOND deliveries a second, so a
3,000-person join storm's counts go out every 3 s instead of costing 3,000 deliveries a
second on top of the joins themselves.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import datetime
from typing import Any

import redis
from flask import Flask
from sqlalchemy.orm import Session as OrmSession

from plenary.attendance import figures, presence
from plenary.extensions import db, socketio
from plenary.models import EventSession
from plenary.rooms.broadcast import emit_room_event
from plenary.rooms.names import event_room

log = logging.getLogger(__name__)

PUSH_DELIVERIES_PER_SECOND = 1000


class NodeConnections:
    """This process's connections per session room, and the sessions whose figures changed."""

    def __init__(self) -> None:
        self.node_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.held: dict[tuple[str, int], int] = {}  # (sid, session_id) -> person_id
        self.changed: set[int] = set()
        self.event_of: dict[int, int] = {}  # session_id -> event_id, for the organizers' room
        self.pushed: dict[int, dict[str, Any]] = {}  # session_id -> the figures last pushed
        self.refresher = None

    def rows(self) -> list[tuple[str, int, int]]:
        return [(sid, person_id, session_id) for (sid, session_id), person_id in self.held.items()]


node = NodeConnections()


def arrive(
    client: redis.Redis, *, sid: str, person_id: int, session_id: int, now: datetime
) -> None:
    node.held[(sid, session_id)] = person_id
    presence.enter(client, node_id=node.node_id, sid=sid, person_id=person_id,
                   session_id=session_id, now=now)  # fmt: skip
    node.changed.add(session_id)


def depart(client: redis.Redis, *, sid: str, session_id: int, now: datetime) -> None:
    if node.held.pop((sid, session_id), None) is None:
        return
    presence.leave(client, node_id=node.node_id, sid=sid, session_id=session_id, now=now)
    node.changed.add(session_id)


def attendance(client: redis.Redis, db_session: OrmSession, session_id: int) -> dict[str, Any]:
    """{session_id, online, peak, peak_at, unique, onsite}: the join snapshot's figures."""
    return figures.session_figures(client, db_session, session_id)


def announce(client: redis.Redis, db_session: OrmSession, session_id: int, now: datetime) -> None:
    """Pushes the session's figures now, unless they went out less than a second ago."""
    if not presence.should_broadcast(client, session_id, now, push_interval_ms(session_id)):
        return
    _push(db_session, session_id, attendance(client, db_session, session_id))


def push_interval_ms(session_id: int) -> int:
    """Once a second, or less often for a room whose last pushed count was above
    PUSH_DELIVERIES_PER_SECOND."""
    online = node.pushed.get(session_id, {}).get("online", 0)
    return max(presence.BROADCAST_INTERVAL_MS, online * 1000 // PUSH_DELIVERIES_PER_SECOND)


def _push(db_session: OrmSession, session_id: int, found: dict[str, Any]) -> None:
    node.changed.discard(session_id)
    node.pushed[session_id] = found
    emit_room_event(session_id, "attendance", found)
    event_id = node.event_of.get(session_id)
    if event_id is None:
        event_id = node.event_of[session_id] = db_session.get(EventSession, session_id).event_id
    socketio.emit("attendance", found, to=event_room(event_id))


def ensure_refresher(app: Flask) -> None:
    """Starts this node's refresh greenlet on first use (only real servers get here)."""
    if node.refresher is None:
        node.refresher = socketio.start_background_task(_refresh_forever, app)


def _refresh_forever(app: Flask) -> None:
    settings = app.extensions["plenary.settings"]
    clock = app.extensions["plenary.clock"]
    from plenary.extensions import redis_store

    while True:
        socketio.sleep(settings.presence_refresh_seconds)
        try:
            refresh_once(redis_store.client, clock.now(), settings.presence_stale_seconds)
        except Exception:  # a Redis blip must not end the heartbeat for good
            log.exception("presence refresh failed; retrying")
        finally:
            db.remove()


def refresh_once(client: redis.Redis, now: datetime, stale_seconds: float) -> None:
    """One heartbeat: this node's connections refreshed, dead nodes expired, and the figures
    of its sessions pushed where they changed (here, on another node, by a check-in, by an
    expiry) since this node last pushed them."""
    presence.refresh_node(client, node_id=node.node_id, sids=node.rows(), now=now,
                          stale_ms=int(stale_seconds * 1000))  # fmt: skip
    sessions = sorted(node.changed | {session_id for (_sid, session_id) in node.held})
    db_session = db.session()
    current = figures.sessions_figures(client, db_session, sessions)
    for session_id in sessions:
        found = current[session_id]
        if session_id not in node.changed and found == node.pushed.get(session_id):
            continue
        if presence.should_broadcast(client, session_id, now, push_interval_ms(session_id)):
            _push(db_session, session_id, found)
