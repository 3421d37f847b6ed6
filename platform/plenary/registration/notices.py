"""The emails about a registration, written to the outbox in the caller's transaction.

Dedupe keys carry the ticket version: the confirmation of one registration is sent once,
and once more only after a cancellation and a new registration (a new version).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as OrmSession

from plenary.auth.tokens import issue_link_token
from plenary.config import Settings
from plenary.mail.outbox import is_queued, queue_email
from plenary.mail.render import render_email
from plenary.models import Event, Person, Registration
from plenary.registration.tickets import issue_cancel_token, issue_ticket


def _event_title(event: Event, language: str) -> str:
    return event.title_ko if language == "ko" and event.title_ko else event.title


def queue_confirmation(
    db: OrmSession,
    registration: Registration,
    event: Event,
    *,
    now: datetime,
    settings: Settings,
    promoted: bool = False,
) -> bool:
    key = f"confirmation:{registration.id}:v{registration.ticket_version}"
    if is_queued(db, key):
        return False
    person = registration.person
    join_url = f"{settings.public_url}/join/{issue_link_token(db, person, event, now=now)}"
    cancel_url = f"{settings.public_url}/r/{issue_cancel_token(settings.secret_key, registration)}"
    in_person = registration.mode == "in_person"
    attachments = []
    if in_person:
        ticket = issue_ticket(settings.secret_key, registration)
        attachments.append({"kind": "qr", "cid": "ticket", "data": ticket})
    rendered = render_email(
        "confirmation", person.language, name=person.name,
        event_title=_event_title(event, person.language), event_url=_event_url(event, settings),
        join_url=join_url, cancel_url=cancel_url, in_person=in_person, promoted=promoted,
        venue=event.venue,
    )  # fmt: skip
    return _queue(db, key, "confirmation", person, event, rendered, settings, now, attachments)


def queue_waitlisted(
    db: OrmSession, registration: Registration, event: Event, *, now: datetime, settings: Settings
) -> bool:
    key = f"waitlisted:{registration.id}:v{registration.ticket_version}"
    person = registration.person
    cancel_url = f"{settings.public_url}/r/{issue_cancel_token(settings.secret_key, registration)}"
    rendered = render_email(
        "waitlisted", person.language, name=person.name,
        event_title=_event_title(event, person.language), event_url=_event_url(event, settings),
        cancel_url=cancel_url,
    )  # fmt: skip
    return _queue(db, key, "waitlisted", person, event, rendered, settings, now)


def queue_login_link(
    db: OrmSession, person: Person, event: Event, *, bucket: int, now: datetime, settings: Settings
) -> bool:
    """A fresh join link; one per person, event and time bucket however often it is asked."""
    key = f"login:{event.id}:{person.id}:{bucket}"
    if is_queued(db, key):
        return False
    join_url = f"{settings.public_url}/join/{issue_link_token(db, person, event, now=now)}"
    rendered = render_email(
        "login_link", person.language, name=person.name,
        event_title=_event_title(event, person.language), event_url=_event_url(event, settings),
        join_url=join_url,
    )  # fmt: skip
    return _queue(db, key, "login_link", person, event, rendered, settings, now)


def _event_url(event: Event, settings: Settings) -> str:
    return f"{settings.public_url}/e/{event.slug}"


def _queue(db, key, kind, person, event, rendered, settings, now, attachments=None) -> bool:
    return queue_email(
        db, dedupe_key=key, kind=kind, to_address=person.email, to_name=person.name,
        subject=rendered.subject, text=rendered.text, html=rendered.html,
        settings=settings, now=now, event_id=event.id, attachments=attachments,
    )  # fmt: skip
