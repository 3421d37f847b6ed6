"""Events, their days, tracks and sessions (the schedule)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.models.base import Base, UTCDateTime, utcnow

SESSION_KINDS = (
    "opening",
    "plenary",
    "special",
    "thematic",
    "workshop",
    "youth",
    "pre_forum",
    "closing",
)
LANGUAGES = ("ko", "en")


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_ko: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    venue: Mapped[str] = mapped_column(String(200), default="")
    venue_capacity: Mapped[int] = mapped_column(Integer, default=0)
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    days: Mapped[list[EventDay]] = relationship(
        back_populates="event", order_by="EventDay.date", cascade="all, delete-orphan"
    )
    tracks: Mapped[list[Track]] = relationship(
        back_populates="event", order_by="Track.position", cascade="all, delete-orphan"
    )
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", order_by="EventSession.starts_at", cascade="all, delete-orphan"
    )

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_ordered"),)


class EventDay(Base):
    __tablename__ = "event_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200), default="")
    title_ko: Mapped[str | None] = mapped_column(String(200))

    event: Mapped[Event] = relationship(back_populates="days")


class Track(Base):
    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="tracks")


class EventSession(Base):
    """One session of the programme: a room with a stream, chat and Q&A.

    Not called `Session`: SQLAlchemy's session is everywhere.
    """

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    day_id: Mapped[int | None] = mapped_column(ForeignKey("event_days.id", ondelete="SET NULL"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    code: Mapped[str | None] = mapped_column(String(64))  # stable key for seeding and imports
    title: Mapped[str] = mapped_column(String(300))
    title_ko: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(String(200), default="")  # the physical room
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["ko", "en"])
    # {"ko": "https://…", "en": "https://…"}: one stream per interpretation language.
    streams: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    chat_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    qa_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    qa_moderated: Mapped[bool] = mapped_column(Boolean, default=False)
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0)
    capacity: Mapped[int] = mapped_column(Integer, default=0)  # seats in the room; 0: no limit
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # ended early by staff

    event: Mapped[Event] = relationship(back_populates="sessions")
    day: Mapped[EventDay | None] = relationship()
    track: Mapped[Track | None] = relationship()

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in SESSION_KINDS) + ")", name="kind_known"
        ),
    )

    def status_at(self, now: datetime) -> str:
        """scheduled, live, ended or cancelled, as the clock (or staff) says."""
        if self.cancelled:
            return "cancelled"
        if (self.ended_at and now >= self.ended_at) or now >= self.ends_at:
            return "ended"
        if now >= self.starts_at:
            return "live"
        return "scheduled"
