"""Resuming certificate runs whose tasks were lost (a worker killed mid-batch).

With Redis as the broker, a task a dead worker held comes back only after the visibility
timeout (an hour), so runs are resumed here instead: a running job that has made no progress
for `stale_seconds` gets its unsent certificates sent again, in batches. That is safe
because delivering a certificate is idempotent (its email's dedupe key; the job counts a
certificate only when its email was queued). Progress is a Redis key with expiry, a hint
only: if it is lost, the worst case is a batch sent twice, which sends no email twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from redis import Redis
from sqlalchemy.orm import Session as OrmSession

from plenary.certificates import runs


def progress_key(job_id: int) -> str:
    return f"certificates:job:{job_id}:progress"


def note_progress(redis: Redis, job_id: int, stale_seconds: float) -> None:
    redis.set(progress_key(job_id), "1", px=max(int(stale_seconds * 1000), 1))


def redrive(
    db: OrmSession, redis: Redis, *, now: datetime, stale_seconds: float
) -> list[tuple[str, list]]:
    """The tasks (name, args) to send again; closes runs that have nothing left to do."""
    to_send: list[tuple[str, list]] = []
    for job_id, event_id, state, created_at in runs.unfinished_jobs(db):
        if state == "queued":
            if created_at <= now - timedelta(seconds=stale_seconds):
                to_send.append((runs.RUN_TASK, [job_id]))
            continue
        if runs.close_if_nothing_left(db, job_id, event_id, now=now):
            continue
        if redis.exists(progress_key(job_id)):
            continue  # still moving
        pending = runs.unsent(db, event_id)
        note_progress(redis, job_id, stale_seconds)  # give the re-sent batches time to start
        to_send += [(runs.BATCH_TASK, [batch, job_id]) for batch in runs.batches(pending)]
    db.rollback()
    return to_send
