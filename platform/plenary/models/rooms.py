"""The durable side of a session room: its event log, chat messages and mutes.

Redis hands out the `seq` numbers; SQL keeps what was said, so that a client that lost its
connection (or a Redis that lost its memory) can always be caught up from here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.models.base import Base, UTCDateTime
from plenary.models.people import Person


class RoomEvent(Base):
    """One event of a session room, in `seq` order: the source of `missed` on rejoin.

    `payload` is the wire payload as broadcast (with `seq`); chat and later Q&A append here.
    """

    __tablename__ = "room_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # the Socket.IO event name, e.g. chat:message
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The last line of defence against two nodes handing out the same seq.
        UniqueConstraint("session_id", "seq", name="uq_room_events_session_seq"),
    )


class ChatMessage(Base):
    """A chat message as typed (plain text, cleaned); deletion keeps the row and says who."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)  # the seq of its chat:message room event
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    author: Mapped[Person] = relationship(foreign_keys=[author_id])

    __table_args__ = (
        # The same client_id twice from one person in one session is one message.
        UniqueConstraint("session_id", "author_id", "client_id", name="uq_chat_messages_client"),
        Index("ix_chat_messages_session_seq", "session_id", "seq"),
    )


class ChatMute(Base):
    """A person muted in one session's chat until `until` (the latest mute wins)."""

    __tablename__ = "chat_mutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    muted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_chat_mutes_session_person", "session_id", "person_id"),)
