"""Creating and finding people, keyed by their lower-cased email address."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from plenary.models import Person


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_person(db: OrmSession, email: str) -> Person | None:
    return db.scalar(select(Person).where(Person.email == normalize_email(email)))


def upsert_person(db: OrmSession, email: str, **fields) -> Person:
    """The person with this email, created if missing, with `fields` set when given."""
    person = find_person(db, email)
    if person is None:
        person = Person(email=normalize_email(email), name=fields.pop("name", "") or email)
        db.add(person)
    for key, value in fields.items():
        if value is not None:
            setattr(person, key, value)
    db.flush()
    return person
