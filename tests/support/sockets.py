"""A real python-socketio client for tests, recording what the server sends it.

Events arriving as `room:batch` are unpacked in order, as the contract asks of clients.
"""

from __future__ import annotations

import functools
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import socketio


class RoomClient:
    def __init__(self, url: str, *, token: str | None = None, headers: dict | None = None):
        self.url = url
        self.token = token
        self.headers = headers or {}
        self.received: list[tuple[str, Any]] = []
        self.batches: list[dict] = []  # each `room:batch` frame as it came
        self.changed = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record)
        self.sio.on("connect_error", lambda data=None: self._record("connect_error", data))

    def _record(self, event: str, data: Any = None) -> None:
        pairs = data["events"] if event == "room:batch" else [(event, data)]
        with self.changed:
            if event == "room:batch":
                self.batches.append(data)
            self.received.extend((name, payload) for name, payload in pairs)
            self.changed.notify_all()

    def connect(self, auth: Any = None) -> RoomClient:
        auth = auth if auth is not None else ({"token": self.token} if self.token else None)
        self.sio.connect(self.url, auth=auth, headers=self.headers, transports=["websocket"],
                         wait_timeout=10)  # fmt: skip
        return self

    def call(self, event: str, *data: Any, timeout: float = 10) -> Any:
        return self.sio.call(event, data[0] if len(data) == 1 else data, timeout=timeout)

    def join(self, session_id: int, since_seq: int | None = None) -> dict:
        payload = {"session_id": session_id}
        if since_seq is not None:
            payload["since_seq"] = since_seq
        ack = self.call("session:join", payload)
        assert ack["ok"], ack
        return ack

    def send(self, session_id: int, body: str, client_id: str | None = None) -> dict:
        return self.call("chat:send", {"session_id": session_id, "body": body,
                                       "client_id": client_id or uuid.uuid4().hex})  # fmt: skip

    def events(self, name: str) -> list[Any]:
        with self.changed:
            return [payload for event, payload in self.received if event == name]

    def wait_for(self, name: str, count: int = 1, timeout: float = 10) -> list[Any]:
        """Waits (with a deadline) until `count` events called `name` have arrived."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [payload for event, payload in self.received if event == name]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{count} {name!r} events not received: {found}")
                self.changed.wait(left)

    def close(self) -> None:
        if self.sio.connected:
            # websocket-client waits up to 3 s for the server's close frame; tests need not.
            ws = getattr(self.sio.eio, "ws", None)
            if ws is not None:
                ws.close = functools.partial(ws.close, timeout=0.1)
            self.sio.disconnect()


def live_now_session(make, event, **fields):
    """A session live on the real clock (real server processes use the system clock)."""
    now = datetime.now(UTC)
    fields.setdefault("starts_at", now - timedelta(hours=1))
    fields.setdefault("ends_at", now + timedelta(hours=3))
    return make.session(event, **fields)


def room_fixtures():
    """Fixtures for a test module: `node` (one web node per module) and `room` (per test).

    Used as `node, room = room_fixtures()` at module level, so that each module gets its
    own node without a conftest shared with other domains.
    """
    import pytest

    from tests.support.processes import Processes

    @pytest.fixture(scope="module")
    def node(services, tmp_path_factory):
        """One web node for the module: tests make their own events, people and sessions."""
        running = Processes(services.env, tmp_path_factory.mktemp("web"))
        yield running.web()
        running.stop_all()

    @pytest.fixture
    def room(node, make):
        """A live session of a fresh event, and a way to connect people to it."""
        event = make.event()
        session = live_now_session(make, event)
        clients: list[RoomClient] = []

        class Room:
            def connect(self, person) -> RoomClient:
                client = RoomClient(node.url, token=make.token(person)).connect()
                clients.append(client)
                return client

            def attendee(self, **fields) -> tuple:
                person, _token = make.attendee(event, **fields)
                return person, self.connect(person)

            def moderator(self, **fields) -> tuple:
                person = make.person(**fields)
                make.role(person, event, "moderator")
                return person, self.connect(person)

        Room.event, Room.session, Room.url = event, session, node.url
        yield Room()
        for client in clients:
            client.close()

    return node, room
