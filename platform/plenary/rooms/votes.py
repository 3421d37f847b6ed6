"""Q&A votes: one per person per question, counted without ever losing an update.

The vote row's primary key (question, person) is the one-vote rule; the question's `votes`
counter moves in the same transaction with an atomic `votes = votes ± 1`, so concurrent
voters on any number of nodes serialize on the row and the count always equals the rows.
The room hears about counts through `qa:updated`, coalesced per question (rooms/coalesce).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from plenary.errors import Closed, Conflict, NotFound
from plenary.models import Question, QuestionVote
from plenary.rooms import access, coalesce

ANNOUNCE_INTERVAL_MS = 500  # at most ~2 `qa:updated` a second per question for votes


def vote(
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    question_id: int,
    up: bool,
    now: datetime,
) -> dict[str, Any]:
    """Adds (up) or withdraws (not up) the person's vote; returns the new count."""
    access.room_access(db, person_id, session_id)
    question = db.get(Question, question_id)
    if question is None or question.session_id != session_id:
        raise NotFound(f"no question {question_id} in this session", field="question_id")
    if question.status != "visible":
        raise Closed(f"votes are taken only on visible questions; this one is {question.status}")
    if up:
        db.add(QuestionVote(question_id=question_id, person_id=person_id, voted_at=now))
        try:
            db.flush()
        except IntegrityError:
            db.rollback()
            raise Conflict("you already voted for this question", field="question_id") from None
        step = 1
    else:
        mine = (QuestionVote.question_id == question_id, QuestionVote.person_id == person_id)
        gone = db.execute(delete(QuestionVote).where(*mine))
        if gone.rowcount == 0:
            db.rollback()
            raise Conflict("you have no vote on this question to withdraw", field="question_id")
        step = -1
    votes = db.execute(
        update(Question)
        .where(Question.id == question_id)
        .values(votes=Question.votes + step)
        .returning(Question.votes)
    ).scalar_one()
    db.commit()
    return {"question_id": question_id, "votes": votes}


def announce_votes(client: redis.Redis, question_id: int, publish: Callable[[], None]) -> None:
    """Schedules the coalesced `qa:updated` for this question's count (publish reads afresh)."""
    coalesce.throttled(client, f"qa:votes:{question_id}", ANNOUNCE_INTERVAL_MS, publish)
