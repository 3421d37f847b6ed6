"""The SMTP server a benchmark sends to: a real aiosmtpd server in a thread of the bench
process, which keeps per message only what the checks need and nothing else.

It counts each message's `X-Plenary-Key` (so a certificate emailed twice shows), checks that
a PDF is attached (the part's header and the base64 of "%PDF-" after it), and wakes whoever
waits once `expected` distinct keys have arrived. The server around it (a free port, its
thread and that thread's CPU) is `smtp_sink.SinkServer`.
"""

from __future__ import annotations

import collections
import re
import threading

from bench.smtp_sink import SinkServer

KEY = re.compile(rb"^X-Plenary-Key:\s*(\S+)", re.MULTILINE | re.IGNORECASE)
PDF_PART = b"Content-Type: application/pdf"
PDF_MAGIC = b"JVBERi0"  # base64 of "%PDF-"


class Sink:
    """aiosmtpd handler: per key, how many times it arrived and whether it carried a PDF."""

    def __init__(self) -> None:
        self.keys: collections.Counter[str] = collections.Counter()
        self.with_pdf: set[str] = set()
        self.bytes = 0
        self.expected: int | None = None
        self.all_arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        data = envelope.content
        head = data[: data.find(b"\r\n\r\n")]
        found = KEY.search(head)
        key = found.group(1).decode("ascii", "replace") if found else ""
        self.keys[key] += 1
        self.bytes += len(data)
        part = data.find(PDF_PART)
        if part >= 0 and data.find(PDF_MAGIC, part, part + 400) >= 0:
            self.with_pdf.add(key)
        if self.expected is not None and len(self.keys) >= self.expected:
            self.all_arrived.set()
        return "250 OK"

    def expect(self, count: int) -> None:
        self.expected = count
        if len(self.keys) >= count:
            self.all_arrived.set()

    @property
    def emails(self) -> int:
        return sum(self.keys.values())


class MailSink(SinkServer):
    """The certificate sink listening on a free port of 127.0.0.1 until `stop()`."""

    def __init__(self) -> None:
        super().__init__(Sink())

    @property
    def sink(self) -> Sink:
        return self.handler
