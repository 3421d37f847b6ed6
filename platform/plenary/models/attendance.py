"""What must outlive Redis: attendance per person per session, session figures, the per-minute
series, and onsite check-ins. Written by the flush (absolute values) and by check-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.models.base import Base, UTCDateTime
from plenary.models.people import Person


class AttendanceRecord(Base):
    """One person in one session: minutes online (to the minute), first/last seen, onsite."""

    __tablename__ = "attendance_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    minutes_online: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime)
    onsite: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()

    __table_args__ = (
        UniqueConstraint("session_id", "person_id", name="uq_attendance_session_person"),
    )


class SessionAttendance(Base):
    """A session's figures as last flushed from Redis: what the dashboard shows after it."""

    __tablename__ = "session_attendance"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    peak: Mapped[int] = mapped_column(Integer, default=0)
    peak_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unique_people: Mapped[int] = mapped_column(Integer, default=0)
    flushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AttendanceMinute(Base):
    """The highest online count seen during one minute of a session."""

    __tablename__ = "attendance_minutes"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    minute: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    online: Mapped[int] = mapped_column(Integer, default=0)


class Checkin(Base):
    """A QR ticket scanned at the door, for the event (`session_id` None) or one session.

    `key` ("<registration>:<session or 'event'>") is unique, so a ticket scanned twice, or by
    two staff phones at once, is recorded once.
    """

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE")
    )
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_in_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    __table_args__ = (Index("ix_checkins_event_person", "event_id", "person_id"),)
