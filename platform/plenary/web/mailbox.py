"""The dev mailbox: the `.eml` files written to var/outbox/ when no SMTP_URL is set.

Shown only without SMTP_URL, and only to organizers (of any event): the files hold join links,
which sign their holder in. `plenary run` prints an organizer's sign-in link at start.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from plenary.extensions import db
from plenary.identity import require_person, settings
from plenary.models import RoleGrant

blueprint = Blueprint("mailbox", __name__)


def _outbox_dir() -> Path:
    current = settings()
    if current.smtp_url:
        abort(404)
    person = require_person()
    organizer = db.session.scalar(
        select(RoleGrant.id).where(RoleGrant.person_id == person.id, RoleGrant.role == "organizer")
    )
    if organizer is None:
        abort(403)
    return current.outbox_dir


def _read(path: Path):
    with path.open("rb") as fh:
        return BytesParser(policy=policy.default).parse(fh)


@blueprint.get("/dev/mailbox")
def mailbox():
    folder = _outbox_dir()
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    messages = []
    for path in files[:500]:
        parsed = _read(path)
        messages.append({"name": path.name, "to": parsed["To"], "subject": parsed["Subject"],
                         "date": parsed["Date"]})  # fmt: skip
    return render_template("mailbox.html", messages=messages, person=require_person())


@blueprint.get("/dev/mailbox/<name>")
def message(name: str):
    folder = _outbox_dir()
    path = folder / name
    if "/" in name or not name.endswith(".eml") or not path.is_file():
        abort(404)
    parsed = _read(path)
    body = parsed.get_body(preferencelist=("plain",))
    return render_template(
        "mailbox_message.html",
        message=parsed,
        name=name,
        text=body.get_content() if body else "",
        person=require_person(),
    )
