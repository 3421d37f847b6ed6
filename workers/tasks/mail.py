"""Mail tasks: send one outbox row (retrying temporary failures with backoff), relay lost rows."""

from __future__ import annotations

from plenary.clock import system_clock
from plenary.dispatch import send_now
from plenary.extensions import db
from plenary.mail import outbox
from plenary.mail.delivery import deliver
from workers.app import celery_app, settings


@celery_app.task(name="plenary.mail.send", bind=True, max_retries=None)
def send(self, outbox_id: int) -> str:
    outcome = deliver(db.session(), outbox_id, settings(), now=system_clock.now())
    if outcome.state == "retry":
        # The row is back to pending with next_attempt_at; if this retry message is lost
        # (a killed worker holds it), the relay finds the row and enqueues it again.
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@celery_app.task(name="plenary.mail.relay")
def relay() -> int:
    """Re-enqueues outbox rows whose send task was lost (broker flushed, worker killed)."""
    current = settings()
    ids = outbox.stranded(
        db.session(), now=system_clock.now(), stale_seconds=current.relay_stale_seconds
    )
    db.session.rollback()
    for outbox_id in ids:
        send_now(outbox.SEND_TASK, outbox_id)
    return len(ids)
