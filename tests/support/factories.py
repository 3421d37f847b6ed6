"""Factory helpers: each makes a valid row with sensible defaults, overridable by keyword."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy.orm import Session as OrmSession

from plenary.auth.people import upsert_person
from plenary.auth.roles import grant_role
from plenary.auth.tokens import issue_api_token, issue_link_token
from plenary.clock import FrozenClock
from plenary.models import Event, EventSession, Person, Registration

_numbers = itertools.count(1)


class Factories:
    def __init__(self, db: OrmSession, clock: FrozenClock) -> None:
        self.db = db
        self.clock = clock

    def event(self, **fields) -> Event:
        number = next(_numbers)
        today = self.clock.now().date()
        values = dict(
            slug=f"event-{number}", title=f"Event {number}", starts_on=today,
            ends_on=today + timedelta(days=4), timezone="Asia/Seoul", languages=["ko", "en"],
        )  # fmt: skip
        event = Event(**{**values, **fields})
        self.db.add(event)
        self.db.commit()
        return event

    def session(self, event: Event, **fields) -> EventSession:
        """A session that is live on the factory clock unless told otherwise."""
        now = self.clock.now()
        values = dict(
            title=f"Session {next(_numbers)}", kind="plenary", starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=1), room="Hall 1", languages=["ko", "en"],
            streams={"ko": "https://stream.example.org/ko", "en": "https://stream.example.org/en"},
        )  # fmt: skip
        found = EventSession(event_id=event.id, **{**values, **fields})
        self.db.add(found)
        self.db.commit()
        return found

    def person(self, **fields) -> Person:
        number = next(_numbers)
        email = fields.pop("email", f"person{number}@example.org")
        fields.setdefault("name", f"Person {number}")
        fields.setdefault("city", "Gwangju")
        fields.setdefault("country", "KR")
        person = upsert_person(self.db, email, **fields)
        self.db.commit()
        return person

    def registration(self, event: Event, person: Person | None = None, **fields) -> Registration:
        values = dict(status="confirmed", mode="online", consent=True)
        registration = Registration(
            event_id=event.id, person=person or self.person(), **{**values, **fields}
        )
        self.db.add(registration)
        self.db.commit()
        return registration

    def role(self, person: Person, event: Event, role: str, session_id: int | None = None):
        grant = grant_role(self.db, person, event.id, role, session_id)
        self.db.commit()
        return grant

    def token(self, person: Person) -> str:
        raw = issue_api_token(self.db, person, "test", now=self.clock.now())
        self.db.commit()
        return raw

    def link_token(self, person: Person, event: Event) -> str:
        raw = issue_link_token(self.db, person, event, now=self.clock.now())
        self.db.commit()
        return raw

    def attendee(self, event: Event, **fields) -> tuple[Person, str]:
        """A person with a confirmed registration and an API token."""
        person = self.person(**fields)
        self.registration(event, person)
        return person, self.token(person)
