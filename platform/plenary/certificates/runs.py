"""A certificate run: issue to everyone newly eligible, then render and email each one, as a
job whose progress organizers watch.

Work per certificate is one transaction: render + store the PDF, queue the email, and count
it on the job (`UPDATE jobs SET done = done + 1`), so a worker killed at any point leaves
each certificate either wholly done and counted, or not at all. "Not done" is visible in SQL
(a live certificate without its outbox row), which is what the relay re-drives.

A batch reads what its certificates need in three queries up front (`load_batch`: the
certificates with their event and person, which already have a file, which an email), so
each certificate's transaction is three writes and a read (file, outbox row and its id, job
counter): ten statements a certificate before, as much CPU as rendering its PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, case, cast, exists, literal, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import joinedload

from plenary.certificates.delivery import dedupe_key, queue_certificate_email
from plenary.certificates.files import store_rendered
from plenary.certificates.issuing import issue_certificates
from plenary.config import Settings
from plenary.dispatch import enqueue_after_commit
from plenary.jobs.service import create_job
from plenary.models import Certificate, CertificateFile, EmailOutbox, Event, Job, Person

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


@dataclass(frozen=True)
class Loaded:
    """A certificate of a batch (with its event and person loaded) and what is done of it."""

    certificate: Certificate
    stored: bool  # its PDF is in certificate_files
    queued: bool  # its email is in the outbox


def load_batch(db: OrmSession, certificate_ids: list[int]) -> list[Loaded]:
    """The batch's certificates that still exist (in id order); ends the read transaction."""
    found = db.scalars(
        select(Certificate)
        .where(Certificate.id.in_(certificate_ids))
        .options(joinedload(Certificate.event), joinedload(Certificate.person))
    ).unique()
    by_id = {c.id: c for c in sorted(found, key=lambda c: c.id)}
    stored = set(
        db.scalars(
            select(CertificateFile.certificate_id).where(
                CertificateFile.certificate_id.in_(certificate_ids)
            )
        )
    )
    keys = [dedupe_key(i) for i in by_id]
    queued = set(db.scalars(select(EmailOutbox.dedupe_key).where(EmailOutbox.dedupe_key.in_(keys))))
    # Ends the read so nothing is held open while rendering. A commit, not a rollback: with
    # expire_on_commit off the session keeps what it loaded; a rollback would expire it all.
    db.commit()
    return [Loaded(by_id[i], i in stored, dedupe_key(i) in queued) for i in by_id]


def deliver_one(
    db: OrmSession, certificate_id: int, *, job_id: int | None, settings: Settings, now: datetime
) -> bool:
    """Renders, stores and queues one certificate's email, counting it on the job; commits."""
    loaded = load_batch(db, [certificate_id])
    return bool(loaded) and deliver_loaded(db, loaded[0], job_id=job_id, settings=settings, now=now)


def deliver_loaded(
    db: OrmSession, item: Loaded, *, job_id: int | None, settings: Settings, now: datetime
) -> bool:
    """Renders and stores the PDF unless stored, queues the email and counts it; commits.

    Counts only when this call queued the email, so redelivered batches never over-count.
    """
    certificate = item.certificate
    if item.queued or certificate.revoked_at is not None:
        return False
    if not item.stored:
        store_rendered(db, certificate, public_url=settings.public_url, now=now)
    queued = queue_certificate_email(db, certificate, settings=settings, now=now)
    if queued and job_id is not None:
        finished = and_(Job.state == "running", Job.done + 1 >= Job.total)
        db.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                done=Job.done + 1,
                state=case((finished, "done"), else_=Job.state),
                finished_at=case((finished, now), else_=Job.finished_at),
            )
        )
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
