"""Certificate tasks: render one certificate's PDF and store it (idempotent: a redelivered
task finds the file and returns). The email task is added when the outbox lands
(`plenary.certificates.delivery.email_certificate`)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from plenary.certificates.files import render_and_store
from plenary.clock import system_clock
from plenary.extensions import db
from plenary.models import Certificate
from workers.app import celery_app


@celery_app.task(
    name="plenary.certificates.render",
    soft_time_limit=60,
    time_limit=90,  # WeasyPrint on hostile input must not hold a worker forever
)
def render(certificate_id: int) -> None:
    settings = celery_app.conf.plenary_settings
    try:
        with db.transaction() as session:
            certificate = session.get(Certificate, certificate_id)
            if certificate is None:
                return
            render_and_store(
                session, certificate, public_url=settings.public_url, now=system_clock.now()
            )
    except IntegrityError:
        return  # a concurrent delivery of this task stored the same certificate first
