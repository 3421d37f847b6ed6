"""Queuing emails in the caller's transaction and moving outbox rows through their states.

pending → sending (claimed, with a lease) → sent | pending again (temporary failure, later)
| failed (permanent failure or last try). A claim is one conditional UPDATE, so two workers
(or a task and its redelivered twin) can never both send a row.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session as OrmSession

from plenary.config import Settings
from plenary.dispatch import enqueue_after_commit
from plenary.models import EmailOutbox
from plenary.sql_upsert import insert_or_ignore

SEND_TASK = "plenary.mail.send"


def message_id_for(dedupe_key: str, mail_from: str, secret: str) -> str:
    """The same email always carries the same Message-ID, so receivers can collapse repeats.

    Keyed by the deployment's secret: "confirmation:2:v1" of two installations must differ.
    """
    domain = mail_from.rsplit("@", 1)[-1].strip(" >") or "plenary.invalid"
    digest = hmac.new(secret.encode(), dedupe_key.encode(), hashlib.sha256).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def queue_email(
    db: OrmSession,
    *,
    dedupe_key: str,
    kind: str,
    to_address: str,
    to_name: str,
    subject: str,
    text: str,
    html: str | None,
    settings: Settings,
    now: datetime,
    event_id: int | None = None,
    attachments: list[dict] | None = None,
) -> bool:
    """Adds the email to the outbox in the caller's transaction; False if already queued.

    The send task is enqueued only after the transaction commits.
    """
    message_id = message_id_for(dedupe_key, settings.mail_from, settings.secret_key)
    values = dict(
        dedupe_key=dedupe_key, kind=kind, event_id=event_id, to_address=to_address,
        to_name=to_name, subject=subject, text=text, html=html,
        attachments=attachments or [], message_id=message_id,
        status="pending", attempts=0, next_attempt_at=now, created_at=now,
    )  # fmt: skip
    inserted = insert_or_ignore(db, EmailOutbox, values, ["dedupe_key"])
    if inserted:
        outbox_id = db.scalar(select(EmailOutbox.id).where(EmailOutbox.dedupe_key == dedupe_key))
        enqueue_after_commit(db, SEND_TASK, outbox_id)
    return inserted


def is_queued(db: OrmSession, dedupe_key: str) -> bool:
    return db.scalar(select(EmailOutbox.id).where(EmailOutbox.dedupe_key == dedupe_key)) is not None


def claim(
    db: OrmSession, outbox_id: int, *, now: datetime, lease_seconds: float
) -> EmailOutbox | None:
    """Takes the row for sending: pending and due, or `sending` with an expired lease.

    Returns the claimed row (UPDATE … RETURNING: one round trip), None if it is not ours.
    """
    return db.scalar(
        update(EmailOutbox)
        .where(
            EmailOutbox.id == outbox_id,
            or_(
                (EmailOutbox.status == "pending") & (EmailOutbox.next_attempt_at <= now),
                (EmailOutbox.status == "sending") & (EmailOutbox.lease_until < now),
            ),
        )
        .values(
            status="sending",
            attempts=EmailOutbox.attempts + 1,
            lease_until=now + timedelta(seconds=lease_seconds),
        )
        .returning(EmailOutbox)
        .execution_options(populate_existing=True)
    )


def mark_sent(db: OrmSession, outbox_id: int, *, now: datetime) -> None:
    db.execute(
        update(EmailOutbox)
        .where(EmailOutbox.id == outbox_id, EmailOutbox.status == "sending")
        .values(status="sent", sent_at=now, lease_until=None, last_error=None)
    )


def mark_retry(db: OrmSession, outbox_id: int, error: str, *, at: datetime) -> None:
    db.execute(
        update(EmailOutbox)
        .where(EmailOutbox.id == outbox_id, EmailOutbox.status == "sending")
        .values(status="pending", next_attempt_at=at, lease_until=None, last_error=error[:2000])
    )


def mark_failed(db: OrmSession, outbox_id: int, error: str) -> None:
    db.execute(
        update(EmailOutbox)
        .where(EmailOutbox.id == outbox_id, EmailOutbox.status == "sending")
        .values(status="failed", lease_until=None, last_error=error[:2000])
    )


def stranded(db: OrmSession, *, now: datetime, stale_seconds: float, limit: int = 500) -> list[int]:
    """Rows whose send task was lost: pending and overdue, or sending with a lapsed lease."""
    overdue = now - timedelta(seconds=stale_seconds)
    rows = db.scalars(
        select(EmailOutbox.id)
        .where(
            or_(
                (EmailOutbox.status == "pending") & (EmailOutbox.next_attempt_at <= overdue),
                (EmailOutbox.status == "sending") & (EmailOutbox.lease_until < now),
            )
        )
        .order_by(EmailOutbox.id)
        .limit(limit)
    )
    return list(rows)


def emails_of_event(
    db: OrmSession, event_id: int, status: str | None = None, limit: int = 500
) -> list[EmailOutbox]:
    query = select(EmailOutbox).where(EmailOutbox.event_id == event_id)
    if status:
        query = query.where(EmailOutbox.status == status)
    return list(db.scalars(query.order_by(EmailOutbox.id).limit(limit)))
