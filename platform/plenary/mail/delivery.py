"""Delivering one outbox row: claim it, send it, record the outcome — safe to run twice.

The claim is committed before the message leaves, so a second task for the same row (a
redelivery, the relay) finds it taken and sends nothing. A sender killed mid-send leaves the
row `sending` until its lease lapses; then the relay hands it to another worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session as OrmSession

from plenary.config import Settings
from plenary.db import autocommit
from plenary.mail import outbox
from plenary.mail.compose import build_message, stored_files
from plenary.mail.transport import PermanentFailure, TemporaryFailure, send_smtp, write_eml

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    state: str  # "sent", "skipped" (not ours to send), "retry", "failed"
    retry_in: float | None = None


def retry_delay(settings: Settings, attempts: int) -> float:
    """Exponential backoff: base, 2×base, 4×base … capped below the broker's visibility timeout."""
    return min(settings.mail_retry_base * 2 ** max(attempts - 1, 0), 1800.0)


def deliver(db: OrmSession, outbox_id: int, settings: Settings, *, now: datetime) -> Outcome:
    autocommit(db)  # the claim is durable before the message leaves (one statement)
    row = outbox.claim(db, outbox_id, now=now, lease_seconds=settings.mail_lease_seconds)
    db.commit()
    if row is None:
        return Outcome("skipped")
    attempts, dedupe_key = row.attempts, row.dedupe_key
    try:
        message = build_message(row, settings.mail_from, stored_files(db, row))
    except LookupError as exc:  # its attachment is gone (the certificate was deleted)
        db.rollback()
        outbox.mark_failed(db, outbox_id, str(exc))
        db.commit()
        return Outcome("failed")
    db.rollback()  # no transaction held open across the network call

    def accepted() -> None:
        autocommit(db)
        outbox.mark_sent(db, outbox_id, now=now)
        db.commit()

    try:
        if settings.smtp_url:
            send_smtp(message, settings.smtp_url, timeout=settings.smtp_timeout, accepted=accepted)
        else:
            write_eml(message, settings.outbox_dir, dedupe_key)
            accepted()
    except TemporaryFailure as exc:
        return _after_failure(db, outbox_id, str(exc), attempts, settings, now)
    except PermanentFailure as exc:
        log.warning("email %s refused for good: %s", dedupe_key, exc)
        outbox.mark_failed(db, outbox_id, str(exc))
        db.commit()
        return Outcome("failed")
    return Outcome("sent")


def _after_failure(db, outbox_id, error, attempts, settings, now) -> Outcome:
    if attempts >= settings.mail_max_attempts:
        log.warning("email %s failed after %s tries: %s", outbox_id, attempts, error)
        outbox.mark_failed(db, outbox_id, error)
        db.commit()
        return Outcome("failed")
    delay = retry_delay(settings, attempts)
    outbox.mark_retry(db, outbox_id, error, at=now + timedelta(seconds=delay))
    db.commit()
    return Outcome("retry", retry_in=delay)
