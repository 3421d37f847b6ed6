"""People, their roles, registrations and credentials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.models.base import Base, UTCDateTime, utcnow
from plenary.models.events import Event

ROLES = ("organizer", "moderator", "speaker", "staff")
REGISTRATION_STATUSES = ("pending", "confirmed", "waitlisted", "cancelled", "rejected")
MODES = ("online", "in_person")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="")  # ISO 3166-1 alpha-2
    organization: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )


class RoleGrant(Base):
    """A role for one event, or for one session of it when `session_id` is set."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE")
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="roles")

    __table_args__ = (
        CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="role_known"),
        Index("ix_role_grants_person_event", "person_id", "event_id"),
        # NULL session ids are distinct in a unique constraint, so event-wide grants are
        # kept unique by the grant service (get or create), and this index covers the rest.
        UniqueConstraint("person_id", "event_id", "session_id", "role", name="uq_role_grant"),
    )


class Registration(Base):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    mode: Mapped[str] = mapped_column(String(16), default="online")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_version: Mapped[int] = mapped_column(Integer, default=1)  # bump to revoke a QR ticket
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship()

    __table_args__ = (
        # Invariant 1: one registration per (event, person), whatever races.
        UniqueConstraint("event_id", "person_id", name="uq_registration_event_person"),
        # Counting confirmed in-person seats and finding the first waitlisted one.
        Index("ix_registrations_event_mode_status", "event_id", "mode", "status"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in REGISTRATION_STATUSES) + ")",
            name="status_known",
        ),
        CheckConstraint("mode IN (" + ", ".join(f"'{m}'" for m in MODES) + ")", name="mode_known"),
    )


class ApiToken(Base):
    """A bearer token for API clients and sockets; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()


class LinkToken(Base):
    """The secret of a personal join link (`/join/<token>`), stored as its SHA-256.

    Single-purpose: it only signs a person in to one event; it can be revoked.
    """

    __tablename__ = "link_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
    event: Mapped[Event] = relationship()
