"""Certificates of attendance: each event's eligibility rule, the certificates issued (a
frozen snapshot of what they state) and their rendered PDFs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.models.base import Base, UTCDateTime, utcnow
from plenary.models.events import Event
from plenary.models.people import Person


class CertificateRule(Base):
    """Who earns a certificate for one event; absent means the defaults."""

    __tablename__ = "certificate_rules"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    threshold_minutes: Mapped[int] = mapped_column(Integer)
    min_sessions: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    __table_args__ = (
        CheckConstraint("threshold_minutes >= 0", name="threshold_not_negative"),
        CheckConstraint("min_sessions >= 0", name="min_sessions_not_negative"),
    )


class Certificate(Base):
    """One person's certificate for one event. What it states is frozen at issue time, so
    later changes to names, titles or attendance never alter an issued certificate."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    # [{"session_id", "title", "day" (ISO date), "minutes"}], in programme order
    sessions: Mapped[list[dict]] = mapped_column(JSON)
    total_minutes: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    revoked_reason: Mapped[str] = mapped_column(String(500), default="")

    event: Mapped[Event] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    __table_args__ = (
        # At most one certificate per person and event, whatever runs concurrently.
        UniqueConstraint("event_id", "person_id", name="uq_certificate_event_person"),
    )


class CertificateFile(Base):
    """The rendered PDF of a certificate, kept apart so that listing certificates never
    loads the bytes. In SQL, not under var/: web nodes and workers share no disk."""

    __tablename__ = "certificate_files"

    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    renderer: Mapped[str] = mapped_column(String(16))  # "hybrid" or "weasyprint"
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
