"""Questions, their votes, and polls of a session room.

The asker of an anonymous question is kept (abuse handling) but never leaves the server:
the one wire serializer (plenary.rooms.qa_wire) is the only way a question is sent out.
Vote counts are counters updated in the voter's transaction under a unique (question, person)
constraint, so concurrent votes on several nodes can never lose an update or count twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.models.base import Base, UTCDateTime

QUESTION_STATUSES = ("pending", "visible", "answered", "dismissed")
POLL_KINDS = ("single", "multiple")
POLL_STATUSES = ("draft", "open", "closed")


class Question(Base):
    """One question asked in a session's Q&A; `votes` is kept equal to its vote rows."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    client_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    votes: Mapped[int] = mapped_column(Integer, default=0)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("session_id", "author_id", "client_id", name="uq_questions_client"),
        CheckConstraint("votes >= 0", name="votes_not_negative"),
        Index("ix_questions_session_status", "session_id", "status"),
    )


class QuestionVote(Base):
    """One person's upvote of one question: the unique key is the one-vote rule."""

    __tablename__ = "question_votes"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Poll(Base):
    """A moderator's poll: draft (moderators only), open (votes taken), closed (final)."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    prompt: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    options: Mapped[list[PollOption]] = relationship(order_by="PollOption.position")

    __table_args__ = (Index("ix_polls_session", "session_id"),)


class PollOption(Base):
    """One answer of a poll; its id is global, so a vote names exactly one poll's option."""

    __tablename__ = "poll_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("poll_id", "position", name="uq_poll_options_position"),)


class PollVote(Base):
    """One chosen option of one person in one poll (several rows for multiple choice)."""

    __tablename__ = "poll_votes"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("poll_options.id", ondelete="CASCADE"), primary_key=True
    )
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime)
