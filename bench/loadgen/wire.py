"""A minimal WebSocket client as an asyncio Protocol: one object per connection, no task.

Why not aiohttp or websockets: with thousands of sockets in one process, a reader task
and a message object per frame cost more CPU than the server under test spends per
delivery. Here a TCP read is parsed in place and each text frame goes to `on_text`.
Client frames are masked with a zero key (RFC 6455 asks for a key, any value is valid
on the wire and the payload stays as is). permessage-deflate is offered on request,
as browsers do, and inflated with one zlib context per connection.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import zlib
from collections.abc import Callable

DEFLATE_OFFER = "permessage-deflate; client_max_window_bits"
_TAIL = b"\x00\x00\xff\xff"


class HandshakeError(Exception):
    """The server did not answer the upgrade with 101."""


class WsClient(asyncio.Protocol):
    """One WebSocket connection; `on_text(str)` is called for every complete text message."""

    __slots__ = (
        "buf",
        "closed",
        "frag",
        "frag_compressed",
        "headers",
        "inflater",
        "on_close",
        "on_text",
        "opened",
        "transport",
    )  # fmt: skip

    def __init__(self, on_text: Callable[[str], None], on_close: Callable[[], None]) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        self.opened: asyncio.Future = asyncio.get_running_loop().create_future()
        self.on_text = on_text
        self.on_close = on_close
        self.inflater = None
        self.frag: list[bytes] | None = None
        self.frag_compressed = False
        self.closed = False
        self.headers = ""

    def connection_made(self, transport) -> None:
        self.transport = transport

    def handshake(self, host: str, path: str, origin: str, deflate: bool) -> None:
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", f"Origin: {origin}",
        ]  # fmt: skip
        if deflate:
            lines.append(f"Sec-WebSocket-Extensions: {DEFLATE_OFFER}")
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data if self.buf else data
        if not self.opened.done():
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self.buf = buf
                return
            head = buf[:end].decode("latin-1")
            buf = buf[end + 4 :]
            status = head.split("\r\n", 1)[0]
            if " 101 " not in status + " ":
                self.buf = b""
                self.opened.set_exception(HandshakeError(status))
                self.transport.close()
                return
            self.headers = head.lower()
            if "permessage-deflate" in self.headers:
                self.inflater = zlib.decompressobj(-15)
            self.opened.set_result(True)
        self.buf = self._frames(buf)

    def _frames(self, buf: bytes) -> bytes:
        pos, size = 0, len(buf)
        while size - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            length = b1 & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = struct.unpack_from("!H", buf, pos + 2)[0]
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = struct.unpack_from("!Q", buf, pos + 2)[0]
                head = 10
            end = pos + head + length
            if end > size:
                break
            payload = buf[pos + head : end]
            pos = end
            self._frame(b0, payload)
        return buf[pos:]

    def _frame(self, b0: int, payload: bytes) -> None:
        opcode, fin, rsv1 = b0 & 0x0F, b0 & 0x80, b0 & 0x40
        if opcode == 0x1 or opcode == 0x2:
            if not fin:
                self.frag, self.frag_compressed = [payload], bool(rsv1)
                return
            if rsv1:
                payload = self.inflater.decompress(payload + _TAIL)
            if opcode == 0x1:
                self.on_text(payload.decode())
        elif opcode == 0x0 and self.frag is not None:
            self.frag.append(payload)
            if fin:
                payload, self.frag = b"".join(self.frag), None
                if self.frag_compressed:
                    payload = self.inflater.decompress(payload + _TAIL)
                self.on_text(payload.decode())
        elif opcode == 0x9:
            self._send(0xA, payload)
        elif opcode == 0x8:
            self.close()

    def send_text(self, text: str) -> None:
        self._send(0x1, text.encode())

    def _send(self, opcode: int, payload: bytes) -> None:
        if self.closed:
            return
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        self.transport.write(head + b"\x00\x00\x00\x00" + payload)

    def close(self) -> None:
        if not self.closed and self.transport is not None:
            self._send(0x8, b"\x03\xe8")
            self.closed = True
            self.transport.close()

    def connection_lost(self, exc) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_exception(HandshakeError(f"connection lost: {exc}"))
        self.on_close()
