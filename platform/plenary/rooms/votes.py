"""Q&A votes: one per person per question, counted without ever losing an update.

The vote row's primary key (question, person) is the one-vote rule; the question's `votes`
counter moves in the same transaction with an atomic `votes = votes ± 1`, so concurrent
voters on any number of nodes serialize on the row and the count always equals the rows.
The room hears about counts through `qa:updated`, coalesced per session (rooms/coalesce):
each vote marks its question in a Redis set, and at most one broadcast per interval takes
the marked questions and sends each one's current count, all in one frame. Per session, not
per question: in a storm on 20 questions that is one frame per interval to every listener
instead of one per question (fan-out costs per frame and recipient, docs/BENCHMARKS.md).

A vote is two round trips and the commit: the access check reads the question's session and
status in the same statement, and the vote row and the counter are written with Core
statements (the ORM's unit of work cost more CPU than the database did in a vote storm).
The counter update also requires the question to be visible, so a question dismissed while
a vote is in flight does not take it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from plenary.errors import Closed, Conflict, NotFound
from plenary.models import Question, QuestionVote
from plenary.rooms import access, coalesce

# At most one vote broadcast per session every 600 ms: under two `qa:updated` a second per
# question as listeners receive them, even when one broadcast leaves late (its SQL, a
# room batch window) and the next on time; at 500 ms a listener could count three.
ANNOUNCE_INTERVAL_MS = 600
QUESTIONS, VOTES = Question.__table__, QuestionVote.__table__
QUESTION_ID = bindparam("question_id")
# The access check plus the question's status, NULL when it is not in this session.
_VOTE_ACCESS = access.rank_query(
    select(QUESTIONS.c.status)
    .where(QUESTIONS.c.id == QUESTION_ID, QUESTIONS.c.session_id == access.SESSION_ID)
    .scalar_subquery()
    .label("question_status")
)
_ADD = insert(VOTES)
_WITHDRAW = delete(VOTES).where(
    VOTES.c.question_id == QUESTION_ID, VOTES.c.person_id == bindparam("person_id")
)
_COUNT = (
    update(QUESTIONS)
    .where(QUESTIONS.c.id == QUESTION_ID, QUESTIONS.c.status == "visible")
    .values(votes=QUESTIONS.c.votes + bindparam("step"))
    .returning(QUESTIONS.c.votes)
)


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
    params = {**access.ids(person_id, session_id), "question_id": question_id}
    row = db.execute(_VOTE_ACCESS, params).one_or_none()
    access.checked_rank(row, session_id)
    status = row.question_status
    if status is None:
        db.rollback()
        raise NotFound(f"no question {question_id} in this session", field="question_id")
    if status != "visible":
        db.rollback()
        raise Closed(f"votes are taken only on visible questions; this one is {status}")
    if up:
        try:
            db.execute(_ADD, {"question_id": question_id, "person_id": person_id,
                              "voted_at": now})  # fmt: skip
        except IntegrityError:
            db.rollback()
            raise Conflict("you already voted for this question", field="question_id") from None
    elif db.execute(_WITHDRAW, params).rowcount == 0:
        db.rollback()
        raise Conflict("you have no vote on this question to withdraw", field="question_id")
    votes = db.execute(_COUNT, {"question_id": question_id, "step": 1 if up else -1}).scalar()
    if votes is None:  # moderated away since the check: the vote is not taken
        db.rollback()
        raise Closed("votes are taken only on visible questions; this one is no longer visible")
    db.commit()
    return {"question_id": question_id, "votes": votes}


def voted_key(session_id: int) -> str:
    return f"plenary:qa:{session_id}:voted"


def announce_votes(
    client: redis.Redis, session_id: int, question_id: int, publish: Callable[[], None]
) -> None:
    """After the vote's commit: marks the question and schedules the session's coalesced
    broadcast (`publish` takes the marked questions and reads their counts afresh)."""
    client.sadd(voted_key(session_id), question_id)
    coalesce.throttled(client, f"qa:votes:{session_id}", ANNOUNCE_INTERVAL_MS, publish)


def take_voted(client: redis.Redis, session_id: int) -> list[int]:
    """The questions voted on since the last take, unmarked in the same step."""
    pipe = client.pipeline(transaction=True)
    pipe.smembers(voted_key(session_id))
    pipe.delete(voted_key(session_id))
    members, _ = pipe.execute()
    return sorted(int(m) for m in members)


def mark_voted(client: redis.Redis, session_id: int, question_ids: list[int]) -> None:
    """Puts questions back (a broadcast that failed): the next vote's broadcast sends them."""
    if question_ids:
        client.sadd(voted_key(session_id), *question_ids)
