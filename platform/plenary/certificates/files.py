"""Rendered certificate PDFs, kept in SQL (`certificate_files`).

Why SQL and not var/certificates/: web nodes and workers run in separate containers with no
shared disk (docker-compose.yml), the PDF must be the same bytes for the download and the
email attachment whichever node serves them, and one database backup then covers
certificates whole. ~40–110 KB each: 3,000 certificates are 120–330 MB, fine for PostgreSQL.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session as OrmSession

from plenary.certificates.wire import certificate_page
from plenary.models import Certificate, CertificateFile
from plenary.sql_upsert import insert_or_ignore


def render_and_store(
    db: OrmSession, certificate: Certificate, *, public_url: str, now: datetime
) -> CertificateFile:
    """Renders the certificate unless already rendered (safe to run twice)."""
    stored = db.get(CertificateFile, certificate.id)
    if stored is not None:
        return stored
    stored = CertificateFile(**rendered(certificate, public_url=public_url, now=now))
    db.add(stored)
    db.flush()
    return stored


def store_rendered(db: OrmSession, certificate: Certificate, *, public_url: str, now: datetime):
    """Renders and stores the certificate in one INSERT that a file stored meanwhile (another
    worker) silently wins; for callers that already know no file was stored, and that do not
    need the bytes back (the outbox sender loads them when it builds the email)."""
    values = rendered(certificate, public_url=public_url, now=now)
    insert_or_ignore(db, CertificateFile, values, ["certificate_id"], key="certificate_id")


def rendered(certificate: Certificate, *, public_url: str, now: datetime) -> dict:
    """The certificate_files row of a freshly rendered certificate."""
    # Imported on first use: the renderers (WeasyPrint, ReportLab, fontTools, pypdf) are
    # ~100 MB of a web node's RSS, and a web node renders only a download that comes before
    # the worker got to it.
    from plenary.certificates.rendering.compose import fast_layer_covers, render_certificate

    page = certificate_page(certificate, public_url)
    pdf = render_certificate(page)
    return {
        "certificate_id": certificate.id,
        "pdf": pdf,
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "renderer": "hybrid" if fast_layer_covers(page) else "weasyprint",
        "rendered_at": now,
    }


def pdf_of(db: OrmSession, certificate: Certificate, *, public_url: str, now: datetime) -> bytes:
    """The stored PDF, rendered now if the worker has not got to it yet."""
    return render_and_store(db, certificate, public_url=public_url, now=now).pdf
