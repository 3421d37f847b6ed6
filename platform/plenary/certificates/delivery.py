"""Emailing a certificate: through the outbox, exactly once per certificate.

The outbox row refers to the stored PDF by certificate id rather than copying its bytes into
JSON; the mail sender loads the file when it builds the message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as OrmSession

from plenary.certificates.files import render_and_store
from plenary.config import Settings
from plenary.mail.outbox import is_queued, queue_email
from plenary.mail.render import render_email
from plenary.models import Certificate


def dedupe_key(certificate_id: int) -> str:
    return f"certificate:{certificate_id}"


def email_certificate(
    db: OrmSession, certificate: Certificate, *, settings: Settings, now: datetime
) -> bool:
    """Queues the certificate email in the outbox, in the caller's transaction.

    Skips a revoked certificate. The unique key `certificate:<id>` makes a second call (or a
    worker killed and retried) queue nothing new, so the outbox sends it once. To
    `certificate.person.email`, subject "Your certificate of attendance — <event title>",
    text and HTML bodies (name, event, total hours, the verification link
    `{PUBLIC_URL}/certificates/<serial>`) from autoescaped templates in the person's language,
    and the stored PDF (rendered first by `files.render_and_store` if missing) attached as
    `certificate-<serial>.pdf`. The row commits with the caller's transaction; sending happens
    after commit, by the outbox's send task. True if this call queued the email.
    """
    key = dedupe_key(certificate.id)
    if certificate.revoked_at is not None or is_queued(db, key):
        return False
    render_and_store(db, certificate, public_url=settings.public_url, now=now)
    return queue_certificate_email(db, certificate, settings=settings, now=now)


def queue_certificate_email(
    db: OrmSession, certificate: Certificate, *, settings: Settings, now: datetime
) -> bool:
    """The outbox row of `email_certificate`, for a caller that checked the rest (the PDF is
    stored, the certificate live); False if the email was queued already."""
    key = dedupe_key(certificate.id)
    person, event = certificate.person, certificate.event
    language = person.language if person.language in ("ko", "en") else "en"
    title = event.title_ko if language == "ko" and event.title_ko else event.title
    rendered = render_email(
        "certificate",
        language,
        name=certificate.name,
        event_title=title,
        hours=f"{certificate.total_minutes / 60:.1f}",
        serial=certificate.serial,
        verify_url=f"{settings.public_url.rstrip('/')}/certificates/{certificate.serial}",
    )
    attachment = {
        "kind": "certificate",
        "certificate_id": certificate.id,
        "filename": f"certificate-{certificate.serial}.pdf",
    }
    return queue_email(
        db, dedupe_key=key, kind="certificate", to_address=person.email,
        to_name=certificate.name[:200], subject=rendered.subject[:300], text=rendered.text,
        html=rendered.html, settings=settings, now=now, event_id=event.id,
        attachments=[attachment],
    )  # fmt: skip
