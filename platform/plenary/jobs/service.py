"""Creating jobs, recording their progress, and showing them only to the person who started one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as OrmSession

from plenary.errors import NotFound
from plenary.models import Job, Person


def create_job(
    db: OrmSession,
    kind: str,
    *,
    created_by: Person,
    now: datetime,
    event_id: int | None = None,
    payload: bytes | None = None,
) -> Job:
    job = Job(
        kind=kind, event_id=event_id, created_by=created_by.id, state="queued", done=0, total=0,
        errors=[], payload=payload, created_at=now,
    )  # fmt: skip
    db.add(job)
    db.flush()
    return job


def job_for(db: OrmSession, job_id: int, person: Person) -> Job:
    """The job if `person` started it; NotFound otherwise (ids are sequential)."""
    job = db.get(Job, job_id)
    if job is None or job.created_by != person.id:
        raise NotFound("no such job")
    return job


def job_json(job: Job) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "errors": job.errors,
    }


def finish(job: Job, *, now: datetime, state: str = "done") -> None:
    job.state = state
    job.finished_at = now
    job.payload = None  # the input is not kept once it has been used
