"""Certificate tasks: render certificates' PDFs and store them. Idempotent: a redelivered
task finds the stored file and moves on; a certificate gone since returns quietly.

`plenary.certificates.render` takes one id; `plenary.certificates.render_batch` a list, so
an issuing job can send 3,000 certificates as ~120 messages (Celery's chunks idea: the
broker round trip and the ack are paid per batch, not per PDF). The email task is added
when the outbox lands (`plenary.certificates.delivery.email_certificate`).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from plenary.certificates.files import render_and_store
from plenary.clock import system_clock
from plenary.extensions import db
from plenary.models import Certificate
from workers.app import celery_app

# WeasyPrint on hostile input must not hold a worker forever (research/reliability.md §1.9).
LIMITS = {"soft_time_limit": 60, "time_limit": 90}


@celery_app.task(name="plenary.certificates.render", **LIMITS)
def render(certificate_id: int) -> None:
    render_one(certificate_id)


@celery_app.task(name="plenary.certificates.render_batch", soft_time_limit=900, time_limit=960)
def render_batch(certificate_ids: list[int]) -> None:
    for certificate_id in certificate_ids:
        render_one(int(certificate_id))


def render_one(certificate_id: int) -> None:
    """One certificate in its own transaction, so a batch killed midway keeps what it did."""
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
        pass  # a concurrent delivery stored the same certificate first
    finally:
        db.remove()
