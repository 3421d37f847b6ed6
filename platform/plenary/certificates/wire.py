"""The JSON shapes of certificates and the data a rendered page shows."""

from __future__ import annotations

from datetime import date

from plenary.certificates.rendering.document import CertificatePage, EventFace, SessionLine
from plenary.events.wire import iso
from plenary.models import Certificate, Event


def verification(certificate: Certificate) -> dict:
    """What anyone holding the serial may read: only what the certificate itself states."""
    event = certificate.event
    return {
        "serial": certificate.serial,
        "name": certificate.name,
        "event": {
            "slug": event.slug,
            "title": event.title,
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
        },
        "sessions": [
            {"title": s["title"], "day": s["day"], "minutes": s["minutes"]}
            for s in certificate.sessions
        ],
        "total_minutes": certificate.total_minutes,
        "issued_at": iso(certificate.issued_at),
        "valid": certificate.revoked_at is None,
        "revoked_at": iso(certificate.revoked_at) if certificate.revoked_at else None,
    }


def owner_view(certificate: Certificate) -> dict:
    return {
        **verification(certificate),
        "pdf_url": f"/api/v1/certificates/{certificate.serial}/pdf",
    }


def event_face(event: Event, public_url: str) -> EventFace:
    return EventFace(
        title=event.title,
        title_ko=event.title_ko,
        dates=date_range(event.starts_on, event.ends_on),
        venue=event.venue,
        verify_base=f"{public_url.rstrip('/')}/certificates/",
    )


def certificate_page(certificate: Certificate, public_url: str) -> CertificatePage:
    return CertificatePage(
        event=event_face(certificate.event, public_url),
        name=certificate.name,
        sessions=[
            SessionLine(s["title"], s["minutes"], date.fromisoformat(s["day"]))
            for s in certificate.sessions
        ],
        total_minutes=certificate.total_minutes,
        serial=certificate.serial,
        issued_on=certificate.issued_at.date(),
    )


def date_range(start: date, end: date) -> str:
    """`24–28 November 2026`, `30 November – 2 December 2026`, or one day."""
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"
