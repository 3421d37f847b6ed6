"""An SMTP sink with a fixed latency per message, in a thread of the bench process.

The DATA handler waits `latency` seconds *asynchronously* before its 250, as a remote relay
would: concurrent sessions overlap, so the sink is not the bottleneck, the sender's
concurrency is. It keeps only what the figures need: each message's recipient and
Message-ID, when it was accepted, the most connections open at once and the most messages
held at once. Its own CPU is its thread's (`cpu_seconds`), apart from the load generator's.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

HEADER = re.compile(rb"^(Message-ID|To):\s*(.+?)\r?$", re.MULTILINE | re.IGNORECASE)


class LatencyHandler:
    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.lock = threading.Lock()
        self.open = 0
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.recipients: Counter = Counter()
            self.message_ids: Counter = Counter()
            self.last_accepted = 0.0
            self.held = self.most_held = 0
            self.most_open = self.open
            self.sessions = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.held += 1
            self.most_held = max(self.most_held, self.held)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
        finally:
            with self.lock:
                self.held -= 1
        head = envelope.content[: envelope.content.find(b"\r\n\r\n")]
        found = {name.lower(): value for name, value in HEADER.findall(head)}
        with self.lock:
            self.recipients.update(envelope.rcpt_tos)
            self.message_ids[found.get(b"message-id", b"")] += 1
            self.last_accepted = time.monotonic()
        return "250 OK"

    def connected(self, change: int) -> None:
        with self.lock:
            self.open += change
            self.most_open = max(self.most_open, self.open)
            self.sessions += max(change, 0)


class _CountingSMTP(SMTP):
    def connection_made(self, transport) -> None:
        self.event_handler.connected(+1)
        super().connection_made(transport)

    def connection_lost(self, error) -> None:
        self.event_handler.connected(-1)
        super().connection_lost(error)


class _Controller(Controller):
    def factory(self):
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


class SinkServer:
    """An aiosmtpd `handler` listening on a free port of 127.0.0.1, in a thread, until
    `stop()`; `cpu_seconds()` is that thread's CPU, apart from the rest of the bench."""

    controller_class = Controller

    def __init__(self, handler) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
        self.handler = handler
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = self.controller_class(handler, hostname="127.0.0.1", port=self.port,
                                                data_size_limit=0)  # fmt: skip

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def cpu_seconds(self) -> float:
        """CPU time of the sink's event-loop thread (Linux: a per-thread clock)."""
        thread = self.controller._thread
        if thread is None or thread.ident is None:
            return 0.0
        return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))


class LatencySink(SinkServer):
    controller_class = _Controller

    def __init__(self, latency: float) -> None:
        super().__init__(LatencyHandler(latency))

    def received(self, prefix: str = "") -> int:
        """Messages accepted for recipients whose address starts with `prefix`."""
        with self.handler.lock:
            return sum(n for to, n in self.handler.recipients.items() if to.startswith(prefix))
