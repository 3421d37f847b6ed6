"""Handing a message to the world: an SMTP server (SMTP_URL) or `.eml` files under var/outbox/.

Failures are sorted into temporary (4xx replies, refused or dropped connections, timeouts:
worth another try later) and permanent (5xx: no point in retrying).
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class TemporaryFailure(Exception):
    """Try again later."""


class PermanentFailure(Exception):
    """Retrying will not help (an address refused with 5xx, a message too large)."""


def send_smtp(
    message: EmailMessage, smtp_url: str, *, timeout: float, accepted: Callable[[], None]
) -> None:
    """Sends `message`; calls `accepted` as soon as the server took it, before QUIT.

    Recording success before the goodbye keeps the window in which a crash would cause a
    resend (RFC 1047: accepted by the server, not yet recorded here) as short as possible.
    """
    parts = urlsplit(smtp_url)
    options = parse_qs(parts.query)
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    try:
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
            client.send_message(message)
        except BaseException:
            client.close()
            raise
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise _by_code(min(codes), str(exc.recipients)) from None
    except smtplib.SMTPResponseException as exc:
        raise _by_code(exc.smtp_code, f"{exc.smtp_code} {exc.smtp_error!r}") from None
    except (smtplib.SMTPException, OSError) as exc:  # refused, reset, timed out, TLS failed
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from None
    accepted()
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()  # the message is delivered; a failed goodbye changes nothing


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
