"""Who is calling an HTTP endpoint: a bearer token (API clients) or the session cookie (pages)."""

from __future__ import annotations

from flask import current_app, g, request, session

from plenary.auth.tokens import person_for_api_token
from plenary.clock import Clock
from plenary.config import Settings
from plenary.errors import Unauthenticated
from plenary.extensions import db
from plenary.models import Person

SESSION_KEY = "person_id"


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_person() -> Person | None:
    if "person" not in g:
        g.person = _find_person()
    return g.person


def require_person() -> Person:
    person = current_person()
    if person is None:
        raise Unauthenticated("sign in first: a bearer token or a join link")
    return person


def sign_in(person: Person) -> None:
    session.clear()  # a new session on sign-in (ASVS 7.2.4)
    session[SESSION_KEY] = person.id
    session.permanent = True
    g.person = person


def _find_person() -> Person | None:
    token = bearer_token()
    if token is not None:
        return person_for_api_token(db.session, token)
    person_id = session.get(SESSION_KEY)
    return db.session.get(Person, person_id) if isinstance(person_id, int) else None


def clock() -> Clock:
    return current_app.extensions["plenary.clock"]


def settings() -> Settings:
    return current_app.extensions["plenary.settings"]
