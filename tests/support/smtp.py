"""A real SMTP server for tests (aiosmtpd on a free port) that keeps what it accepts.

It can answer 451 to the first N messages (a server that is down for a while) and wait before
accepting each message (so a test can kill a sender mid-send). A message counts as received
only once the server is about to answer 250, as a real MTA commits it: if the client vanishes
during the wait, aiosmtpd cancels the handler and nothing is kept.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller

from tests.support.processes import free_port


class CollectingHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_first = 0
        self.refused = 0
        self.delay = 0.0
        self.held = 0  # messages received but not yet answered (during `delay`)
        self.most_held = 0  # the most messages held at once: SMTP sessions sending in parallel
        self.peers: list[tuple] = []  # the client address of each accepted message's session
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            if self.refused < self.refuse_first:
                self.refused += 1
                return "451 4.3.0 try again later"
        if self.delay:
            with self.lock:
                self.held += 1
                self.most_held = max(self.most_held, self.held)
            try:
                await asyncio.sleep(self.delay)
            finally:
                with self.lock:
                    self.held -= 1
        parsed = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self.lock:
            self.messages.append(parsed)
            self.peers.append(tuple(session.peer))
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = CollectingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def restart(self) -> None:
        """Stops (dropping every open session, as a server restart does) and listens again on
        the same port."""
        self.controller.stop()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def message_id_counts(self) -> Counter:
        return Counter(str(m["Message-ID"]) for m in self.messages)

    def wait_for(self, count: int, timeout: float = 60.0) -> list[EmailMessage]:
        """Polls until at least `count` messages arrived (or the deadline passes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            time.sleep(0.1)
        return self.messages


def wait_until(condition, timeout: float = 60.0, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")
