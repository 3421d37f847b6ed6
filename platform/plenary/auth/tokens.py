"""API tokens and join-link tokens: random secrets handed out once, stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session as OrmSession

from plenary.models import ApiToken, Event, LinkToken, Person


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits from the CSPRNG


def issue_api_token(db: OrmSession, person: Person, label: str = "", *, now: datetime) -> str:
    raw = new_secret()
    db.add(ApiToken(person=person, token_hash=hash_token(raw), label=label, created_at=now))
    return raw


_LIVE_TOKEN_OWNER = select(ApiToken.person_id).where(
    ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None)
)


def person_id_for_api_token(db: OrmSession, raw: str | None) -> int | None:
    """The owner of a live (unrevoked) token, in one statement: what a socket connect asks."""
    if not raw or len(raw) > 200:
        return None
    return db.scalar(_LIVE_TOKEN_OWNER, {"token_hash": hash_token(raw)})


def person_for_api_token(db: OrmSession, raw: str | None) -> Person | None:
    person_id = person_id_for_api_token(db, raw)
    return db.get(Person, person_id) if person_id is not None else None


def revoke_api_token(db: OrmSession, raw: str, *, now: datetime) -> bool:
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = now
    return True


def issue_link_token(db: OrmSession, person: Person, event: Event, *, now: datetime) -> str:
    raw = new_secret()
    db.add(LinkToken(person=person, event_id=event.id, token_hash=hash_token(raw), created_at=now))
    return raw


def redeem_link_token(db: OrmSession, raw: str | None, *, now: datetime) -> LinkToken | None:
    """The live join-link record for `raw`, or None when unknown, revoked or expired."""
    if not raw or len(raw) > 200:
        return None
    link = db.scalar(select(LinkToken).where(LinkToken.token_hash == hash_token(raw)))
    if link is None or link.revoked_at is not None:
        return None
    if link.expires_at is not None and now >= link.expires_at:
        return None
    return link
