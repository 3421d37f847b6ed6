"""SMTP connections kept open between messages: one pool per process, keyed by SMTP_URL.

Opening a connection costs a TCP (and maybe TLS) handshake, the greeting, EHLO and AUTH: more
round trips than the message itself. A sender takes an idle connection (or opens one), sends
one message on it and gives it back, so a connection carries one message at a time and a
gevent mailer with 50 greenlets holds at most 50 of them.

A reused connection is checked with RSET before it carries a message. A server that dropped
it while it was idle fails there, before any byte of the message left, and the sender opens
a new connection at once (once: a server that refuses that too is a temporary failure, as
before). Anything that goes wrong *during* a send discards the connection; nothing is ever
re-offered on another connection within one attempt, so reuse adds no way to send twice.
A connection is closed after `max_messages` messages or `max_idle` seconds unused.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

MAX_MESSAGES = 100
# Below the idle timeouts of common relays (Postfix 300 s, hosted relays from ~10 s): an old
# connection is more likely dropped than alive, and RSET would only find that out.
MAX_IDLE_SECONDS = 10.0


@dataclass
class Connection:
    client: smtplib.SMTP
    url: str
    messages: int = 0
    last_used: float = 0.0
    reused: bool = False


def open_client(smtp_url: str, timeout: float) -> smtplib.SMTP:
    """Connects, says EHLO, upgrades with STARTTLS if asked and logs in if the URL has a user."""
    parts = urlsplit(smtp_url)
    options = parse_qs(parts.query)
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    if secure:
        client = smtplib.SMTP_SSL(
            parts.hostname, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(parts.hostname, port, timeout=timeout)
    try:
        if options.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
    except BaseException:
        client.close()
        raise
    return client


class SmtpPool:
    """Idle connections per SMTP URL, most recently used first (the likeliest to be alive)."""

    def __init__(
        self,
        *,
        max_messages: int = MAX_MESSAGES,
        max_idle: float = MAX_IDLE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        connect: Callable[[str, float], smtplib.SMTP] = open_client,
    ) -> None:
        self.max_messages, self.max_idle = max_messages, max_idle
        self.monotonic, self.connect = monotonic, connect
        self._idle: dict[str, list[Connection]] = {}
        self._lock = threading.Lock()  # a gevent lock once monkey-patched
        self.opened = 0  # connections opened by this process (for tests and benchmarks)

    def take(self, smtp_url: str, timeout: float) -> Connection:
        """An idle connection that answered RSET, else a new one. Connection errors raise."""
        connection = self._pop_fresh(smtp_url)
        if connection is not None:
            try:
                code, _ = connection.client.rset()
                if code == 250:
                    connection.reused = True
                    return connection
            except (smtplib.SMTPException, OSError):
                pass  # dropped while idle: reconnect once, below
            self.discard(connection)
        self.opened += 1
        return Connection(self.connect(smtp_url, timeout), smtp_url)

    def give_back(self, connection: Connection) -> None:
        """After a message the server accepted: keep the connection for the next one."""
        connection.messages += 1
        if connection.messages >= self.max_messages:
            self.close(connection)
            return
        connection.last_used = self.monotonic()
        with self._lock:
            self._idle.setdefault(connection.url, []).append(connection)

    def discard(self, connection: Connection) -> None:
        """After an error: the connection's state is unknown, drop it without a goodbye."""
        connection.client.close()

    def close(self, connection: Connection) -> None:
        try:
            connection.client.quit()
        except (smtplib.SMTPException, OSError):
            connection.client.close()

    def close_all(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.client.close()

    def idle_count(self, smtp_url: str) -> int:
        with self._lock:
            return len(self._idle.get(smtp_url, []))

    def _pop_fresh(self, smtp_url: str) -> Connection | None:
        now = self.monotonic()
        while True:
            with self._lock:
                idle = self._idle.get(smtp_url)
                connection = idle.pop() if idle else None
            if connection is None or now - connection.last_used <= self.max_idle:
                return connection
            self.discard(connection)  # no QUIT: it is likely dropped, and a sender is waiting

    def _forget_after_fork(self) -> None:
        # A forked child must not share its parent's sockets: a second conversation on the
        # same connection would interleave bytes. The parent keeps (and closes) them.
        self._idle = {}
        self._lock = threading.Lock()


connections = SmtpPool()
os.register_at_fork(after_in_child=connections._forget_after_fork)
