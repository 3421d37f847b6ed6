"""Running a write that appends a seq'd room event, retried once Redis's counter was lost.

Chat does the same inline (rooms/chat.py); Q&A and polls share this: `work(take)` does the
whole transaction, taking its seq with `take(client, db, session_id)`, and commits. A unique
violation (a seq collision, or a concurrent duplicate the next turn will find) rolls back and
runs `work` again with `sequence.resync`, which re-seeds the counter above SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import redis
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from plenary.rooms import sequence

ATTEMPTS = 3
T = TypeVar("T")
Take = Callable[[redis.Redis, OrmSession, int], int]


def with_seq(client: redis.Redis, db: OrmSession, session_id: int, work: Callable[[Take], T]) -> T:
    """Runs `work` until it commits without a unique violation (at most ATTEMPTS times)."""
    for attempt in range(ATTEMPTS):
        try:
            return work(sequence.resync if attempt else sequence.next_seq)
        except IntegrityError:
            db.rollback()
    raise RuntimeError(f"no free seq for session {session_id} after {ATTEMPTS} attempts")
