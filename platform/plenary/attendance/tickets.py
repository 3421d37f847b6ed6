"""The QR ticket of a confirmed registration: a signed token scanned at the door.

Issue 4's confirmation email makes it with the same signer (salt "ticket-v1") over
{"reg": registration id, "event": event id, "v": ticket version}; bumping the registration's
`ticket_version` revokes every ticket printed before.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session as OrmSession

from plenary.errors import Forbidden
from plenary.models import Event, Registration

SALT = "ticket-v1"


def sign_ticket(registration: Registration, secret_key: str) -> str:
    payload = {
        "reg": registration.id,
        "event": registration.event_id,
        "v": registration.ticket_version,
    }
    return URLSafeSerializer(secret_key, salt=SALT).dumps(payload)


def verify_ticket(db: OrmSession, token: str, event: Event, secret_key: str) -> Registration:
    """The registration a ticket admits to `event`; Forbidden when it is forged or tampered
    with, for another event, revoked (an older version), or the registration is not confirmed."""
    try:
        payload = URLSafeSerializer(secret_key, salt=SALT).loads(token)
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
