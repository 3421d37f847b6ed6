"""Registration tasks: decide a pending registration, run a CSV import, relay lost work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from plenary.clock import system_clock
from plenary.dispatch import send_now
from plenary.extensions import db
from plenary.models import Registration
from plenary.registration.csv_import import run_import
from plenary.registration.processing import process_registration
from workers.app import celery_app, settings


@celery_app.task(name="plenary.registration.process")
def process(registration_id: int) -> str | None:
    with db.transaction() as session:
        return process_registration(
            session, registration_id, now=system_clock.now(), settings=settings()
        )


@celery_app.task(name="plenary.registration.import")
def import_csv(job_id: int) -> None:
    run_import(db.session(), job_id, now=system_clock.now(), settings=settings())


@celery_app.task(name="plenary.registration.relay")
def relay() -> int:
    """Re-enqueues registrations still pending long after they were submitted (a lost task)."""
    stale = system_clock.now() - timedelta(seconds=settings().relay_stale_seconds)
    ids = db.session.scalars(
        select(Registration.id)
        .where(Registration.status == "pending", Registration.updated_at <= stale)
        .order_by(Registration.id)
        .limit(1000)
    ).all()
    db.session.rollback()
    for registration_id in ids:
        send_now("plenary.registration.process", registration_id)
    return len(ids)
