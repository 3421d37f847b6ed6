"""Handing a message to the world: an SMTP server (SMTP_URL) or `.eml` files under var/outbox/.

SMTP connections are kept open between messages (`mail.smtp_pool`). Failures are sorted into
temporary (4xx replies, refused or dropped connections, timeouts: worth another try later)
and permanent (5xx: no point in retrying).
"""

from __future__ import annotations

import os
import re
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from plenary.mail.smtp_pool import SmtpPool, connections


class TemporaryFailure(Exception):
    """Try again later."""


class PermanentFailure(Exception):
    """Retrying will not help (an address refused with 5xx, a message too large)."""


def send_smtp(
    message: EmailMessage,
    smtp_url: str,
    *,
    timeout: float,
    accepted: Callable[[], None],
    pool: SmtpPool = connections,
) -> None:
    """Sends `message`; calls `accepted` as soon as the server took it.

    Recording success right after the server's 250 keeps the window in which a crash would
    cause a resend (RFC 1047: accepted by the server, not yet recorded here) as short as
    possible. The connection comes from, and goes back to, the process's pool (smtp_pool).
    """
    try:
        connection = pool.take(smtp_url, timeout)
        try:
            connection.client.send_message(message)
        except BaseException:
            pool.discard(connection)
            raise
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise _by_code(min(codes), str(exc.recipients)) from None
    except smtplib.SMTPResponseException as exc:
        raise _by_code(exc.smtp_code, f"{exc.smtp_code} {exc.smtp_error!r}") from None
    except (smtplib.SMTPException, OSError) as exc:  # refused, reset, timed out, TLS failed
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from None
    try:
        accepted()
    finally:
        pool.give_back(connection)  # for the next message; the N-th one says QUIT


def _by_code(code: int, text: str) -> Exception:
    return TemporaryFailure(text) if 400 <= code < 500 else PermanentFailure(text)


def write_eml(message: EmailMessage, outbox_dir: Path, dedupe_key: str) -> Path:
    """Writes `<dedupe_key>.eml` atomically; writing the same email twice leaves one file."""
    outbox_dir.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", dedupe_key) + ".eml"
    path = outbox_dir / name
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    temporary.write_bytes(message.as_bytes())
    os.replace(temporary, path)
    return path
