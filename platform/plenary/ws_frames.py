"""One WebSocket frame per broadcast instead of one per recipient.

A room event goes to every member as the same Engine.IO text: python-socketio encodes the
packet once per emit and hands the same `str` object to every recipient's writer. Each
writer then had simple-websocket ask wsproto to frame it again (UTF-8 encode, a bytearray
copy, the header), per recipient: about a tenth of a web node's fan-out CPU. A server's
frames are not masked (RFC 6455 §5.1), so the bytes are identical for every recipient:
this frames a text once and reuses the bytes for the other recipients of the same object.

Frames are unfragmented and uncompressed (RSV1 clear): always valid, with or without a
negotiated permessage-deflate (RFC 7692 §6: a message may be sent uncompressed), which
Plenary declines anyway (wsgi_deflate.py). Anything else (bytes, a connection that is not
open, a client-side socket) goes through simple-websocket's own `send`. A frame the socket
takes only in part is finished with `sendall` (simple-websocket's one `send` would cut it);
`sendall` is not the first call because gevent's asks the socket its buffer size each time.
"""

from __future__ import annotations

import threading

import simple_websocket.ws
from simple_websocket.errors import ConnectionClosed
from wsproto.connection import ConnectionState

_FIN_TEXT = 0x81
_REMEMBERED = 64  # distinct texts kept framed: a few broadcasts in flight at once

_simple_send = simple_websocket.ws.Base.send


def text_frame(text: str) -> bytes:
    """The server-to-client WebSocket frame carrying `text` whole (FIN, text, no mask)."""
    payload = text.encode("utf-8")
    size = len(payload)
    if size < 126:
        header = bytes((_FIN_TEXT, size))
    elif size < 1 << 16:
        header = bytes((_FIN_TEXT, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((_FIN_TEXT, 127)) + size.to_bytes(8, "big")
    return header + payload


class FrameCache:
    """Frames by the identity of the text object; the text is held so that its id stays
    its own while remembered. Oldest forgotten first."""

    def __init__(self, size: int = _REMEMBERED) -> None:
        self.size = size
        self._frames: dict[int, tuple[str, bytes]] = {}
        self._lock = threading.Lock()  # a gevent lock once monkey-patched

    def frame(self, text: str) -> bytes:
        found = self._frames.get(id(text))
        if found is not None and found[0] is text:
            return found[1]
        frame = text_frame(text)
        with self._lock:
            self._frames[id(text)] = (text, frame)
            while len(self._frames) > self.size:
                del self._frames[next(iter(self._frames))]
        return frame


frames = FrameCache()


def send(self: simple_websocket.ws.Base, data) -> None:
    if not (isinstance(data, str) and self.is_server and self.ws.state is ConnectionState.OPEN):
        return _simple_send(self, data)
    if not self.connected:
        raise ConnectionClosed(self.close_reason, self.close_message)
    frame = frames.frame(data)
    sent = self.sock.send(frame)
    if sent < len(frame):  # a full socket buffer: finish the frame rather than cut it
        self.sock.sendall(memoryview(frame)[sent:])


def share_broadcast_frames() -> None:
    """Installs the shared framing for this process's WebSocket servers (a web node)."""
    simple_websocket.ws.Base.send = send
