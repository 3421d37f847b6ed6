"""The email outbox: one row per email, written in the same transaction as the change it reports.

The unique `dedupe_key` (e.g. "confirmation:42:v1") is what makes "every email exactly once"
hold: a second attempt to queue the same email finds the row, and the sender claims a row
atomically before sending it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from plenary.models.base import Base, UTCDateTime, utcnow

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")


class EmailOutbox(Base):
    __tablename__ = "email_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    # Parts built at send time: [{"kind": "qr", "cid": "ticket", "data": "<payload>"}, …];
    # a certificate PDF by reference, its bytes loaded at send time from certificate_files:
    # {"kind": "certificate", "certificate_id": 7, "filename": "certificate-<serial>.pdf"}.
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    message_id: Mapped[str] = mapped_column(String(200))  # derived from dedupe_key
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # while "sending"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in OUTBOX_STATUSES) + ")",
            name="status_known",
        ),
        Index("ix_email_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_email_outbox_event_status", "event_id", "status"),
    )
