"""Emailing a certificate: through the outbox, exactly once per certificate.

WIRED AT MERGE to the mail domain (`plenary.mail.queue_email`). Not a Celery task yet on
purpose: nothing may pretend to have sent a certificate.
"""

from __future__ import annotations

from sqlalchemy.orm import Session as OrmSession

from plenary.models import Certificate


def email_certificate(db: OrmSession, certificate: Certificate) -> None:
    """Queues the certificate email in the outbox, in the caller's transaction.

    What it must do: skip a revoked certificate; call `queue_email` with the unique key
    `f"certificate:{certificate.id}"` (so a second call, or a worker killed and retried,
    queues nothing new and the outbox sends it once), to `certificate.person.email`, subject
    "Your certificate of attendance — <event title>", a text body (name, event, total hours,
    the verification link `{PUBLIC_URL}/certificates/<serial>`) rendered from an autoescaped
    template, and the stored PDF (`CertificateFile.pdf`, rendered first by
    `files.render_and_store` if missing) attached as `certificate-<serial>.pdf`,
    application/pdf. The email row commits with the caller's transaction; sending happens
    after commit, by the outbox relay.
    """
    raise NotImplementedError("connect to plenary.mail.queue_email (issue 4's outbox)")
