"""Certificate tasks: a run (issue, then fan out batches), a batch (render, store, queue the
email, count progress), the single-certificate render, and the relay that resumes lost runs.

Idempotent throughout: a redelivered task finds the stored file and the queued email and
moves on; a certificate gone since returns quietly. A batch carries ~25 ids, so 3,000
certificates are ~120 messages (Celery's chunks idea: the broker round trip and the ack are
paid per batch, not per PDF).
"""

from __future__ import annotations

import logging

from celery import group
from celery.signals import worker_init
from sqlalchemy.exc import IntegrityError

from plenary.certificates import relay as certificate_relay
from plenary.certificates import runs
from plenary.certificates.files import render_and_store
from plenary.clock import system_clock
from plenary.dispatch import send_now
from plenary.extensions import db, redis_store
from plenary.models import Certificate
from workers.app import celery_app, settings

log = logging.getLogger(__name__)

# WeasyPrint on hostile input must not hold a worker forever (research/reliability.md §1.9).
LIMITS = {"soft_time_limit": 60, "time_limit": 90}


@worker_init.connect
def load_renderers(**_) -> None:
    """Imports the renderers and registers the fonts in the worker's main process, before the
    prefork pool forks: each pool process would otherwise pay ~1.2 s of CPU for them on its
    first certificate. (Web nodes still load them on first use: see files.py.)"""
    import plenary.certificates.rendering.compose  # noqa: F401  (WeasyPrint, ReportLab, pypdf)
    from plenary.certificates.rendering import fonts

    fonts.register_all()


@celery_app.task(name="plenary.certificates.run")
def run(job_id: int) -> int:
    """Issues to the newly eligible, then sends their certificates out in batches."""
    current = settings()
    pending = runs.prepare_run(db.session(), job_id, now=system_clock.now())
    if pending:
        certificate_relay.note_progress(redis_store.client, job_id, current.relay_stale_seconds)
        group(
            celery_app.signature(runs.BATCH_TASK, args=[batch, job_id])
            for batch in runs.batches(pending)
        ).apply_async()
    return len(pending)


@celery_app.task(name="plenary.certificates.render_batch", soft_time_limit=900, time_limit=960)
def render_batch(certificate_ids: list[int], job_id: int | None = None) -> int:
    """Renders, stores and emails each certificate, each in its own transaction, from one
    read of the whole batch."""
    current = settings()
    session = db.session()
    try:
        batch = runs.load_batch(session, [int(i) for i in certificate_ids])
        queued = 0
        for item in batch:
            queued += deliver(session, item, job_id)
            if job_id is not None:
                certificate_relay.note_progress(
                    redis_store.client, job_id, current.relay_stale_seconds
                )
        return queued
    finally:
        db.remove()


def deliver(session, item: runs.Loaded, job_id: int | None) -> bool:
    certificate_id = item.certificate.id
    try:
        return runs.deliver_loaded(
            session, item, job_id=job_id, settings=settings(), now=system_clock.now()
        )
    except IntegrityError:
        session.rollback()  # a concurrent delivery stored it first; the retry finds it done
        return runs.deliver_one(
            session, certificate_id, job_id=job_id, settings=settings(), now=system_clock.now()
        )
    except Exception as exc:  # one bad certificate must not stop the other 24
        session.rollback()
        log.exception("certificate %s could not be delivered", certificate_id)
        if job_id is not None:
            runs.record_error(session, job_id, certificate_id, str(exc), system_clock.now())
        return False


@celery_app.task(name="plenary.certificates.render", **LIMITS)
def render(certificate_id: int) -> None:
    render_one(certificate_id)


def render_one(certificate_id: int) -> None:
    """One certificate's PDF in its own transaction (no email)."""
    try:
        with db.transaction() as session:
            certificate = session.get(Certificate, certificate_id)
            if certificate is None:
                return
            render_and_store(
                session, certificate, public_url=settings().public_url, now=system_clock.now()
            )
    except IntegrityError:
        pass  # a concurrent delivery stored the same certificate first
    finally:
        db.remove()


@celery_app.task(name="plenary.certificates.relay")
def relay() -> int:
    """Re-sends the batches of certificate runs that stopped moving (a killed worker)."""
    tasks = certificate_relay.redrive(
        db.session(),
        redis_store.client,
        now=system_clock.now(),
        stale_seconds=settings().relay_stale_seconds,
    )
    for name, args in tasks:
        send_now(name, *args)
    return len(tasks)
