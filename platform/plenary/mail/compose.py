"""Building the MIME message of an outbox row: text + HTML, inline QR ticket, fixed Message-ID.

Headers are set through `EmailMessage` with the SMTP policy, never by string concatenation:
the policy refuses a header with a line break in it (header injection, CVE-2024-6923).
"""

from __future__ import annotations

import io
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

import segno

from plenary.models import EmailOutbox


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def build_message(row: EmailOutbox, mail_from: str) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    from_name, from_address = parseaddr(mail_from)
    message["From"] = Address(display_name=from_name, addr_spec=from_address)
    message["To"] = Address(display_name=row.to_name, addr_spec=row.to_address)
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Plenary-Key"] = row.dedupe_key
    message.set_content(row.text)
    if row.html:
        message.add_alternative(row.html, subtype="html")
        html_part = message.get_payload()[-1]
        for part in row.attachments or []:
            if part.get("kind") == "qr":
                html_part.add_related(
                    qr_png(part["data"]), "image", "png", cid=f"<{part['cid']}>",
                    filename=f"{part['cid']}.png", disposition="inline",
                )  # fmt: skip
    return message
