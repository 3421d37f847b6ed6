"""Engine.IO v4 / Socket.IO v5 over the raw WebSocket client, namespace `/` only.

Packets (text): `0{open}` from the server, `2` ping → `3` pong, `40{auth}` connect →
`40{sid}` or `44{error}`, `42["event", data]` an event, `42<id>["event", data]` an event
asking for an ack, answered `43<id>[data]`. Events are handed to `on_event(conn, text)`
undecoded: the counter decides how much of each frame it needs to parse.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from urllib.parse import urlsplit

from bench.loadgen.wire import WsClient


class Refused(Exception):
    """The server refused the Socket.IO connect (`44`) or the WebSocket upgrade."""


class SioConn:
    __slots__ = (
        "acks",
        "alive",
        "auth",
        "connected",
        "last_seq",
        "next_ack",
        "on_event",
        "rooms",
        "sampled",
        "tag",
        "ws",
    )  # fmt: skip

    def __init__(self, on_event: Callable[[SioConn, str], None], tag: int = 0) -> None:
        self.ws: WsClient | None = None
        self.on_event = on_event
        self.acks: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.connected: asyncio.Future | None = None
        self.alive = False
        self.tag = tag
        self.rooms: list[int] = []
        self.sampled = False
        self.last_seq: dict[int, int] = {}
        self.auth: dict | None = None

    async def connect(self, url: str, auth: dict | None, *, deflate: bool = False,
                      timeout: float = 30.0) -> None:  # fmt: skip
        """Opens the WebSocket, then the Socket.IO connection; raises Refused or TimeoutError."""
        loop = asyncio.get_running_loop()
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or 80
        self.connected = loop.create_future()
        self.auth = auth
        _, ws = await asyncio.wait_for(
            loop.create_connection(lambda: WsClient(self._on_text, self._on_close), host, port),
            timeout,
        )
        self.ws = ws
        ws.handshake(f"{host}:{port}", "/socket.io/?EIO=4&transport=websocket",
                     f"{parts.scheme}://{host}:{port}", deflate)  # fmt: skip
        try:
            await asyncio.wait_for(ws.opened, timeout)
        except Exception as exc:
            raise Refused(str(exc)) from None
        await asyncio.wait_for(self.connected, timeout)
        self.alive = True

    def _on_text(self, text: str) -> None:
        kind = text[0]
        if kind == "4":
            sub = text[1]
            if sub == "2":
                self.on_event(self, text)
            elif sub == "3":
                self._ack(text)
            elif sub == "0":
                if not self.connected.done():
                    self.connected.set_result(True)
            elif sub == "4":
                if not self.connected.done():
                    self.connected.set_exception(Refused(text[2:]))
            elif sub == "1":
                self.alive = False
        elif kind == "2":
            self.ws.send_text("3")
        elif kind == "0":
            self.ws.send_text("40" + (json.dumps(self.auth) if self.auth else ""))

    def _ack(self, text: str) -> None:
        i = 2
        while text[i].isdigit():
            i += 1
        future = self.acks.pop(int(text[2:i]), None)
        if future is not None and not future.done():
            data = json.loads(text[i:])
            future.set_result(data[0] if data else None)

    def _on_close(self) -> None:
        self.alive = False
        if self.connected is not None and not self.connected.done():
            self.connected.set_exception(Refused("closed during connect"))
        for future in self.acks.values():
            if not future.done():
                future.set_exception(ConnectionError("closed"))
        self.acks.clear()

    def emit(self, event: str, data, *, ack: bool = False) -> asyncio.Future | None:
        """Sends an event; with ack=True returns a future resolved with the server's answer."""
        body = json.dumps([event, data], separators=(",", ":"))
        if not ack:
            self.ws.send_text("42" + body)
            return None
        self.next_ack += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[self.next_ack] = future
        self.ws.send_text(f"42{self.next_ack}{body}")
        return future

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
