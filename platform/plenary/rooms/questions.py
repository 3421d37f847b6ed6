"""Q&A questions: ask, moderate, list.

Every change is a room event with the session's next seq (room_log), committed with the
change and broadcast after it. Questions attendees never saw (pending, or dismissed while
pending) go only to the moderators' room, as `qa:pending` without a seq: attendees' seq
streams stay gapless and nothing pending can reach them through `missed`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import redis
from sqlalchemy import case, select
from sqlalchemy.orm import Session as OrmSession

from plenary.auth.roles import can_moderate
from plenary.errors import Closed, Conflict, NotFound
from plenary.models import EventSession, Question
from plenary.rooms import access, room_log, votes
from plenary.rooms.broadcast import emit_after_commit, emit_all_after_commit
from plenary.rooms.qa_wire import PUBLIC_STATUSES, wire_many, wire_one
from plenary.rooms.seq_retry import Take, with_seq
from plenary.rooms.text import clean_text

MAX_CHARS = 500
LIST_LIMIT = 500
# action -> (statuses it applies to, new status or None for a pin change, pinned value)
ACTIONS: dict[str, tuple[tuple[str, ...], str | None, bool | None]] = {
    "approve": (("pending",), "visible", None),
    "dismiss": (("pending", "visible", "answered"), "dismissed", None),
    "answer": (("visible",), "answered", None),
    "reopen": (("answered", "dismissed"), "visible", None),
    "pin": (("visible", "answered"), None, True),
    "unpin": (("visible", "answered"), None, False),
}


def require_qa_open(found: EventSession, now: datetime) -> None:
    if not found.qa_enabled:
        raise Closed("Q&A is switched off for this session")
    status = found.status_at(now)
    if status in ("ended", "cancelled"):
        raise Closed(f"the session has {status}: Q&A is closed")


def ask(
    client: redis.Redis,
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    body: object,
    anonymous: bool,
    client_id: str,
    now: datetime,
) -> dict[str, Any]:
    """Stores a question (pending in moderated sessions) and broadcasts it after the commit."""
    text = clean_text(body, max_chars=MAX_CHARS)

    def work(take: Take) -> dict[str, Any]:
        found, role = access.room_access(db, person_id, session_id)
        require_qa_open(found, now)
        existing = db.scalar(select(Question).where(
            Question.session_id == session_id, Question.author_id == person_id,
            Question.client_id == client_id))  # fmt: skip
        if existing is not None:
            db.rollback()
            return wire_one(db, existing)  # a retry: the stored question, no rebroadcast
        moderated = found.qa_moderated and not can_moderate(role)
        question = Question(session_id=session_id, author_id=person_id, anonymous=anonymous,
                            client_id=client_id, body=text, pinned=False, votes=0,
                            status="pending" if moderated else "visible",
                            asked_at=now, updated_at=now)  # fmt: skip
        db.add(question)
        db.flush()
        wire = wire_one(db, question)
        _announce(client, db, session_id, "qa:question", wire, public=not moderated, take=take,
                  now=now)  # fmt: skip
        db.commit()
        return wire

    return with_seq(client, db, session_id, work)


def moderate(
    client: redis.Redis,
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    question_id: int,
    action: str,
    now: datetime,
) -> dict[str, Any]:
    """Applies one moderator action; repeating one already applied answers ok, sends nothing."""
    applies_to, new_status, pinned = ACTIONS[action]

    def work(take: Take) -> dict[str, Any]:
        _, role = access.room_access(db, person_id, session_id)
        access.require_moderator(role)
        question = db.scalar(select(Question).where(Question.id == question_id).with_for_update())
        if question is None or question.session_id != session_id:
            raise NotFound(f"no question {question_id} in this session", field="question_id")
        if (new_status or question.status) == question.status and pinned in (None, question.pinned):
            db.rollback()
            return wire_one(db, question)
        if question.status not in applies_to:
            raise Conflict(f"cannot {action} a question that is {question.status}",
                           field="action")  # fmt: skip
        before = question.status
        if new_status is not None:
            question.status = new_status
        if pinned is not None:
            question.pinned = pinned
        question.updated_at = now
        db.flush()
        wire = wire_one(db, question)
        public = before in PUBLIC_STATUSES or question.status in PUBLIC_STATUSES
        kind = "qa:question" if before == "pending" else "qa:updated"
        _announce(client, db, session_id, kind, wire, public=public, take=take, now=now)
        db.commit()
        return wire

    return with_seq(client, db, session_id, work)


def publish_votes(client: redis.Redis, db: OrmSession, session_id: int, now: datetime) -> None:
    """Broadcasts `qa:updated` with the current count of every question voted on since the
    last call, as one frame (called coalesced, per session; see rooms/votes)."""
    ids = votes.take_voted(client, session_id)
    if not ids:
        return

    def work(take: Take) -> None:
        rows = db.scalars(select(Question).where(
            Question.id.in_(ids), Question.session_id == session_id,
            Question.status.in_(PUBLIC_STATUSES)).order_by(Question.id)).all()  # fmt: skip
        events = []
        for wire in wire_many(db, list(rows)):
            payload = room_log.record(client, db, session_id, "qa:updated", {"question": wire},
                                      now=now, seq=take(client, db, session_id))  # fmt: skip
            events.append(["qa:updated", payload])
        if events:
            emit_all_after_commit(db, session_id, events)
        db.commit()

    try:
        with_seq(client, db, session_id, work)
    except Exception:
        votes.mark_voted(client, session_id, ids)
        raise


def visible_questions(db: OrmSession, session_id: int, role: str | None, *, sort: str = "top"):
    """The session's questions this role may see: pinned first, then by `top` or `recent`.

    Attendees see visible and answered questions; moderators and organizers see all.
    """
    query = select(Question).where(Question.session_id == session_id)
    if not can_moderate(role):
        query = query.where(Question.status.in_(PUBLIC_STATUSES))
    answered_last = case((Question.status == "answered", 1), else_=0)
    order = [Question.pinned.desc(), answered_last]
    if sort == "top":
        order += [Question.votes.desc(), Question.asked_at, Question.id]
    else:
        order += [Question.asked_at.desc(), Question.id.desc()]
    rows = db.scalars(query.order_by(*order).limit(LIST_LIMIT)).all()
    return wire_many(db, list(rows))


def list_questions(db: OrmSession, *, person_id: int, session_id: int, sort: str) -> list[dict]:
    """The REST list: the caller's role decides which questions it holds."""
    _, role = access.room_access(db, person_id, session_id)
    return visible_questions(db, session_id, role, sort=sort)


def _announce(
    client: redis.Redis,
    db: OrmSession,
    session_id: int,
    kind: str,
    wire: dict[str, Any],
    *,
    public: bool,
    take: Take,
    now: datetime,
) -> None:
    if public:
        room_log.append(client, db, session_id, kind, {"question": wire}, now=now,
                        seq=take(client, db, session_id))  # fmt: skip
    else:
        emit_after_commit(db, session_id, "qa:pending", {"session_id": session_id,
                          "question": wire}, moderators_only=True)  # fmt: skip
