"""Polls: moderators create (draft), open and close; people in the room vote while open.

A draft is seen only by the moderators (`poll:draft`, no seq). Opening and closing are room
events with seq (`poll:opened`, `poll:closed` with the final results), so a reconnecting
client catches up through `missed`. While open, `poll:results` (no seq) goes to the room at
most once a second (rooms/coalesce). A vote replaces the voter's previous choice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as OrmSession

from plenary.auth.roles import can_moderate
from plenary.errors import BadInput, Closed, Conflict, NotFound
from plenary.events.wire import iso
from plenary.models import Poll, PollOption, PollVote
from plenary.rooms import access, coalesce, room_log
from plenary.rooms.broadcast import emit_after_commit, emit_room_event
from plenary.rooms.seq_retry import Take, with_seq
from plenary.rooms.text import clean_text

MIN_OPTIONS, MAX_OPTIONS = 2, 10
RESULTS_INTERVAL_MS = 1000


def results(db: OrmSession, poll: Poll) -> dict[str, Any]:
    """{poll_id, counts: {option_id: n}, voters} read from the vote rows."""
    counts = dict(db.execute(
        select(PollVote.option_id, func.count()).where(PollVote.poll_id == poll.id)
        .group_by(PollVote.option_id)).all())  # fmt: skip
    voters = db.scalar(
        select(func.count(func.distinct(PollVote.person_id))).where(PollVote.poll_id == poll.id)
    )
    return {"poll_id": poll.id, "counts": [counts.get(o.id, 0) for o in poll.options],
            "voters": int(voters or 0)}  # fmt: skip


def poll_wire(db: OrmSession, poll: Poll) -> dict[str, Any]:
    return {
        "id": poll.id,
        "prompt": poll.prompt,
        "kind": poll.kind,
        "status": poll.status,
        "options": [{"id": o.id, "label": o.label} for o in poll.options],
        "results": results(db, poll),
        "opened_at": iso(poll.opened_at) if poll.opened_at else None,
        "closed_at": iso(poll.closed_at) if poll.closed_at else None,
    }


def create_poll(
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    prompt: object,
    kind: str,
    options: list,
    now: datetime,
) -> dict[str, Any]:
    """A draft poll with 2-10 options, sent to the moderators only."""
    _, role = access.room_access(db, person_id, session_id)
    access.require_moderator(role)
    text = clean_text(prompt, field="prompt", max_chars=300)
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise BadInput(f"options: {MIN_OPTIONS} to {MAX_OPTIONS} options", field="options")
    labels = [clean_text(o, field=f"options.{i}", max_chars=200) for i, o in enumerate(options)]
    if len(set(labels)) != len(labels):
        raise BadInput("options: each option only once", field="options")
    poll = Poll(session_id=session_id, prompt=text, kind=kind, status="draft",
                created_by_id=person_id, created_at=now)  # fmt: skip
    poll.options = [PollOption(position=i, label=label) for i, label in enumerate(labels)]
    db.add(poll)
    db.flush()
    wire = poll_wire(db, poll)
    emit_after_commit(db, session_id, "poll:draft", {"session_id": session_id, "poll": wire},
                      moderators_only=True)  # fmt: skip
    db.commit()
    return wire


def set_status(
    client: redis.Redis,
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    poll_id: int,
    action: str,
    now: datetime,
) -> dict[str, Any]:
    """`open` a draft or `close` an open poll; the room hears it with a seq."""
    target, source = ("open", "draft") if action == "open" else ("closed", "open")

    def work(take: Take) -> dict[str, Any]:
        _, role = access.room_access(db, person_id, session_id)
        access.require_moderator(role)
        poll = _poll_in(db, session_id, poll_id, lock=True)
        if poll.status == target:
            db.rollback()
            return poll_wire(db, poll)
        if poll.status != source:
            raise Conflict(f"cannot {action} a poll that is {poll.status}", field="action")
        poll.status = target
        if target == "open":
            poll.opened_at = now
        else:
            poll.closed_at = now
        db.flush()
        wire = poll_wire(db, poll)
        kind = "poll:opened" if target == "open" else "poll:closed"
        room_log.append(client, db, session_id, kind, {"poll": wire}, now=now,
                        seq=take(client, db, session_id))  # fmt: skip
        db.commit()
        return wire

    return with_seq(client, db, session_id, work)


def vote(
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    poll_id: int,
    option_ids: list[int],
    now: datetime,
) -> dict[str, Any]:
    """Records the person's choice (replacing an earlier one) while the poll is open."""
    access.room_access(db, person_id, session_id)
    poll = _poll_in(db, session_id, poll_id, lock=True)
    valid = {o.id for o in poll.options}
    chosen = set(option_ids)
    if not chosen or not chosen <= valid:
        raise NotFound("option_ids: options of this poll only", field="option_ids")
    if len(chosen) != len(option_ids):
        raise BadInput("option_ids: each option only once", field="option_ids")
    if poll.kind == "single" and len(chosen) != 1:
        raise BadInput("option_ids: exactly one option in a single-choice poll", field="option_ids")
    if poll.status != "open":
        raise Closed(f"the poll is {poll.status}: votes are not taken")
    db.execute(delete(PollVote).where(PollVote.poll_id == poll_id,
                                      PollVote.person_id == person_id))  # fmt: skip
    db.add_all(PollVote(poll_id=poll_id, person_id=person_id, option_id=o, voted_at=now)
               for o in sorted(chosen))  # fmt: skip
    db.commit()
    return {"poll_id": poll_id, "option_ids": sorted(chosen)}


def announce_results(client: redis.Redis, poll_id: int, publish: Callable[[], None]) -> None:
    coalesce.throttled(client, f"poll:results:{poll_id}", RESULTS_INTERVAL_MS, publish)


def publish_results(db: OrmSession, poll_id: int) -> None:
    """Sends `poll:results` (no seq) for an open poll; the final ones ride on `poll:closed`."""
    poll = db.get(Poll, poll_id)
    if poll is not None and poll.status == "open":
        emit_room_event(poll.session_id, "poll:results",
                        {"session_id": poll.session_id, **results(db, poll)})  # fmt: skip
    db.rollback()


def session_polls(db: OrmSession, *, person_id: int, session_id: int) -> list[dict[str, Any]]:
    """The session's polls, newest first; drafts only for moderators."""
    _, role = access.room_access(db, person_id, session_id)
    query = select(Poll).where(Poll.session_id == session_id)
    if not can_moderate(role):
        query = query.where(Poll.status != "draft")
    polls = [poll_wire(db, p) for p in db.scalars(query.order_by(Poll.id.desc()).limit(50))]
    db.rollback()
    return polls


def _poll_in(db: OrmSession, session_id: int, poll_id: int, *, lock: bool = False) -> Poll:
    query = select(Poll).where(Poll.id == poll_id)
    poll = db.scalar(query.with_for_update() if lock else query)
    if poll is None or poll.session_id != session_id:
        raise NotFound(f"no poll {poll_id} in this session", field="poll_id")
    return poll
