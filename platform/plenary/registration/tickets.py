"""Signed tokens about one registration: the QR ticket and the cancellation link.

The salt is the token's purpose, so a cancel link can never pass as a ticket. Both carry the
registration's `ticket_version`; bumping it (on cancellation) revokes every earlier token.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session as OrmSession

from plenary.errors import Forbidden
from plenary.models import Event, Registration

TICKET_SALT = "ticket-v1"
CANCEL_SALT = "cancel-v1"


def issue_ticket(secret: str, registration: Registration) -> str:
    payload = {
        "reg": registration.id,
        "event": registration.event_id,
        "v": registration.ticket_version,
    }
    return URLSafeSerializer(secret, salt=TICKET_SALT).dumps(payload)


def verify_ticket(db: OrmSession, token: str, event: Event, *, secret: str) -> Registration:
    """The registration a ticket admits to `event`; Forbidden when it is forged or tampered
    with, for another event, revoked (an older version), or the registration is not confirmed.
    """
    try:
        payload = URLSafeSerializer(secret, salt=TICKET_SALT).loads(token)
    except BadSignature:
        raise Forbidden("this ticket is not valid", field="ticket") from None
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(name), int) for name in ("reg", "event", "v")
    ):
        raise Forbidden("this ticket is not valid", field="ticket")
    if payload["event"] != event.id:
        raise Forbidden("this ticket is for another event", field="ticket")
    registration = db.get(Registration, payload["reg"])
    if registration is None or registration.event_id != event.id:
        raise Forbidden("this ticket is not valid", field="ticket")
    if registration.ticket_version != payload["v"]:
        raise Forbidden("this ticket has been replaced by a newer one", field="ticket")
    if registration.status != "confirmed":
        raise Forbidden(f"this registration is {registration.status}", field="ticket")
    return registration


def issue_cancel_token(secret: str, registration: Registration) -> str:
    payload = {"reg": registration.id, "v": registration.ticket_version}
    return URLSafeSerializer(secret, salt=CANCEL_SALT).dumps(payload)


def registration_for_cancel_token(
    db: OrmSession, token: str, *, secret: str
) -> Registration | None:
    """The registration a cancel link names, or None when forged or already used."""
    try:
        payload = URLSafeSerializer(secret, salt=CANCEL_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    registration = db.get(Registration, payload.get("reg"))
    if registration is None or registration.ticket_version != payload.get("v"):
        return None
    return registration
