"""Issuing certificates to everyone newly eligible, revoking one, finding one by serial.

Issuing is idempotent: a person has at most one certificate per event (a unique constraint,
and the event row is locked while issuing so two runs at once cannot race), so running it
again issues only to people who became eligible since.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from plenary.certificates import attendance_source
from plenary.certificates.attendance_source import AttendanceSource
from plenary.certificates.eligibility import eligible
from plenary.certificates.rules import rule_for
from plenary.errors import NotFound
from plenary.models import Certificate, Event, EventSession, Person

# Crockford-style base32 without look-alikes (no 0/O, 1/I/L): readable off paper.
SERIAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SERIAL_GROUPS, SERIAL_GROUP_LEN = 4, 5  # 20 symbols ≈ 99 bits from the CSPRNG


def new_serial() -> str:
    """An unguessable, URL-safe serial such as `K7QXM-3T9PA-WZ2HC-8RNEF`."""
    symbols = "".join(
        secrets.choice(SERIAL_ALPHABET) for _ in range(SERIAL_GROUPS * SERIAL_GROUP_LEN)
    )
    return "-".join(
        symbols[i : i + SERIAL_GROUP_LEN] for i in range(0, len(symbols), SERIAL_GROUP_LEN)
    )


def issue_certificates(
    db: OrmSession, event: Event, *, now: datetime, source: AttendanceSource | None = None
) -> list[Certificate]:
    """Creates a certificate for each person eligible now who has none yet; returns them.

    The snapshot (name, sessions with minutes, total) is what the certificate states forever.
    """
    db.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    read = source or attendance_source.attended
    sessions = {
        s.id: s for s in db.scalars(select(EventSession).where(EventSession.event_id == event.id))
    }
    winners = eligible(read(db, event), sessions.values(), rule_for(db, event))
    holders = set(db.scalars(select(Certificate.person_id).where(Certificate.event_id == event.id)))
    people = {
        p.id: p
        for p in db.scalars(select(Person).where(Person.id.in_([w.person_id for w in winners])))
    }
    zone = ZoneInfo(event.timezone)
    issued = []
    for winner in winners:
        if winner.person_id in holders or winner.person_id not in people:
            continue
        attended = sorted(
            (sessions[sid] for sid in winner.minutes_by_session), key=lambda s: s.starts_at
        )
        certificate = Certificate(
            event_id=event.id,
            person_id=winner.person_id,
            serial=new_serial(),
            name=people[winner.person_id].name,
            sessions=[
                {
                    "session_id": s.id,
                    "title": s.title,
                    "day": s.starts_at.astimezone(zone).date().isoformat(),
                    "minutes": winner.minutes_by_session[s.id],
                }
                for s in attended
            ],
            total_minutes=winner.total_minutes,
            issued_at=now,
        )
        db.add(certificate)
        issued.append(certificate)
    db.flush()
    return issued


def find_by_serial(db: OrmSession, serial: str) -> Certificate:
    certificate = db.scalar(select(Certificate).where(Certificate.serial == serial.strip().upper()))
    if certificate is None:
        raise NotFound("no certificate with this serial")
    return certificate


def owned_certificate(db: OrmSession, serial: str, person: Person | None) -> Certificate:
    """The certificate if `person` holds it; otherwise NotFound, exactly as for an unknown
    serial, so that probing serials reveals nothing (never 403)."""
    certificate = find_by_serial(db, serial)
    if person is None or certificate.person_id != person.id:
        raise NotFound("no certificate with this serial")
    return certificate


def certificates_of(db: OrmSession, person: Person) -> list[Certificate]:
    return list(
        db.scalars(
            select(Certificate)
            .where(Certificate.person_id == person.id)
            .order_by(Certificate.issued_at.desc())
        )
    )


def revoke(
    db: OrmSession, certificate: Certificate, *, by: Person, reason: str, now: datetime
) -> Certificate:
    """Marks the certificate revoked (idempotent: the first revocation's time is kept)."""
    if certificate.revoked_at is None:
        certificate.revoked_at = now
        certificate.revoked_by_id = by.id
        certificate.revoked_reason = reason
        db.flush()
    return certificate
