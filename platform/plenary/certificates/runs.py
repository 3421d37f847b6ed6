"""A certificate run: issue to everyone newly eligible, then render and email each one, as a
job whose progress organizers watch.

Work per certificate is one transaction: render + store the PDF, queue the email, and count
it on the job (`UPDATE jobs SET done = done + 1`), so a worker killed at any point leaves
each certificate either wholly done and counted, or not at all. "Not done" is visible in SQL
(a live certificate without its outbox row), which is what the relay re-drives.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, exists, literal, select, update
from sqlalchemy.orm import Session as OrmSession

from plenary.certificates.delivery import email_certificate
from plenary.certificates.issuing import issue_certificates
from plenary.config import Settings
from plenary.dispatch import enqueue_after_commit
from plenary.jobs.service import create_job
from plenary.models import Certificate, EmailOutbox, Event, Job, Person

JOB_KIND = "certificates"
RUN_TASK = "plenary.certificates.run"
BATCH_TASK = "plenary.certificates.render_batch"
BATCH_SIZE = 25


def start_run(db: OrmSession, event: Event, *, by: Person, now: datetime) -> Job:
    """Creates the job; its task is sent once the caller's transaction commits."""
    job = create_job(db, JOB_KIND, created_by=by, now=now, event_id=event.id)
    enqueue_after_commit(db, RUN_TASK, job.id)
    return job


def unsent(db: OrmSession, event_id: int) -> list[int]:
    """Live certificates of the event whose email is not in the outbox yet (oldest first).

    The outbox row is written in the same transaction as the stored PDF, so "no outbox row"
    covers "no file" too.
    """
    key = literal("certificate:").concat(cast(Certificate.id, String))
    queued = exists().where(EmailOutbox.dedupe_key == key)
    return list(
        db.scalars(
            select(Certificate.id)
            .where(Certificate.event_id == event_id, Certificate.revoked_at.is_(None), ~queued)
            .order_by(Certificate.id)
        )
    )


def batches(ids: list[int], size: int = BATCH_SIZE) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def prepare_run(db: OrmSession, job_id: int, *, now: datetime) -> list[int]:
    """Issues to the newly eligible and sizes the job; commits. Returns the ids to deliver.

    A second run finds nothing unsent and finishes at 0/0: nobody is emailed twice. A job
    already started (its task redelivered) returns what is still unsent, without re-sizing.
    """
    job = db.get(Job, job_id, with_for_update=True)
    if job is None or job.state in ("done", "failed"):
        db.rollback()
        return []
    event = db.get(Event, job.event_id)
    if event is None:
        job.state, job.finished_at = "failed", now
        db.commit()
        return []
    if job.state == "queued":
        issue_certificates(db, event, now=now)
        pending = unsent(db, event.id)
        job.total, job.state = len(pending), "running"
    else:
        pending = unsent(db, event.id)
    _finish_if_complete(db, job.id, now=now)
    db.commit()
    return pending


def deliver_one(
    db: OrmSession, certificate_id: int, *, job_id: int | None, settings: Settings, now: datetime
) -> bool:
    """Renders, stores and queues one certificate's email, counting it on the job; commits.

    Counts only when this call queued the email, so redelivered batches never over-count.
    """
    certificate = db.get(Certificate, certificate_id)
    if certificate is None:
        db.rollback()
        return False
    queued = email_certificate(db, certificate, settings=settings, now=now)
    if queued and job_id is not None:
        db.execute(update(Job).where(Job.id == job_id).values(done=Job.done + 1))
        _finish_if_complete(db, job_id, now=now)
    db.commit()
    return queued


def record_error(db: OrmSession, job_id: int, certificate_id: int, message: str, now: datetime):
    """Notes a certificate that could not be delivered; counts towards the job's end."""
    db.rollback()
    job = db.get(Job, job_id, with_for_update=True)
    if job is None or any(e.get("certificate_id") == certificate_id for e in job.errors):
        db.rollback()
        return
    job.errors = [*job.errors, {"certificate_id": certificate_id, "message": message[:300]}]
    if job.state == "running" and job.done + len(job.errors) >= job.total:
        job.state, job.finished_at = "done", now
    db.commit()


def _finish_if_complete(db: OrmSession, job_id: int, *, now: datetime) -> None:
    db.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "running", Job.done >= Job.total)
        .values(state="done", finished_at=now)
    )


def unfinished_jobs(db: OrmSession) -> list[tuple[int, int, str, datetime]]:
    """(job id, event id, state, created_at) of certificate runs not finished."""
    rows = db.execute(
        select(Job.id, Job.event_id, Job.state, Job.created_at).where(
            Job.kind == JOB_KIND, Job.state.in_(("queued", "running"))
        )
    )
    return [tuple(row) for row in rows]


def close_if_nothing_left(db: OrmSession, job_id: int, event_id: int, *, now: datetime) -> bool:
    """Ends a running job whose event has nothing unsent (e.g. another run delivered it)."""
    if unsent(db, event_id):
        db.rollback()
        return False
    db.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "running")
        .values(state="done", finished_at=now)
    )
    db.commit()
    return True
