"""Chat in a session room: send, delete, mute, and read the history.

`send_message` stores the message and its room event in one transaction, then broadcasts
after the commit. It owns its transaction because a seq collision (Redis lost its counter
while another node had a seq in flight) is resolved by re-seeding and trying again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import redis
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from plenary.errors import Muted, NotFound
from plenary.events.wire import iso
from plenary.models import ChatMessage, ChatMute, EventSession, Person
from plenary.rooms import access, limits, room_log, sequence
from plenary.rooms.text import clean_text

RECENT_LIMIT = 50
HISTORY_MAX_PAGE = 200
SEQ_ATTEMPTS = 3
CHAT_MESSAGES = ChatMessage.__table__


def author_wire(person: Person) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "city": person.city, "country": person.country}


def message_wire(message: ChatMessage, author: Person | None = None) -> dict[str, Any]:
    return {
        "id": message.id,
        "seq": message.seq,
        "author": author_wire(author or message.author),
        "body": message.body,
        "sent_at": iso(message.sent_at),
    }


def send_message(
    client: redis.Redis,
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    body: object,
    client_id: str,
    now: datetime,
) -> dict[str, Any]:
    """Stores and broadcasts one message; the same client_id again returns the first one.

    Three SQL round trips on the way (the access check with everything the send needs, the
    message, its room event) and the commit; two Redis calls (the pace gate and the seq).
    """
    text = clean_text(body)
    for attempt in range(SEQ_ATTEMPTS):
        params = {**access.ids(person_id, session_id), "client_id": client_id}
        row = db.execute(_SEND_QUERY, params).one_or_none()
        found, role = access.checked(row, session_id)
        access.require_chat_open(found, now)
        if row.existing_id is not None:
            existing = db.get(ChatMessage, row.existing_id)
            db.rollback()
            return message_wire(existing)  # a retry of a message already stored: no rebroadcast
        if attempt == 0:
            _require_not_muted(row.muted_until, now)
            slow = 0 if access.can_moderate(role) else found.slow_mode_seconds
            limits.check_chat_pace(client, person_id, session_id, slow, now=now)
        # After a collision, re-seed above what SQL holds now instead of taking the next one.
        take = sequence.resync if attempt else sequence.next_seq
        seq = take(client, db, session_id)
        try:
            message_id = db.execute(
                insert(CHAT_MESSAGES).returning(CHAT_MESSAGES.c.id),
                {"session_id": session_id, "seq": seq, "author_id": person_id,
                 "client_id": client_id, "body": text, "sent_at": now},
            ).scalar_one()  # fmt: skip
            author = {"id": person_id, "name": row.author_name, "city": row.author_city,
                      "country": row.author_country}  # fmt: skip
            wire = {"id": message_id, "seq": seq, "author": author, "body": text,
                    "sent_at": iso(now)}  # fmt: skip
            room_log.append(client, db, session_id, "chat:message", {"message": wire},
                            now=now, seq=seq)  # fmt: skip
            db.commit()
        except IntegrityError:
            db.rollback()  # a concurrent duplicate (found on the next turn) or a seq collision
            continue
        return wire
    raise RuntimeError(f"no free seq for session {session_id} after {SEQ_ATTEMPTS} attempts")


def _send_query():
    """The access check plus the caller's latest mute, a message already stored under
    `client_id`, and the author's name and place: everything a send reads, in one statement."""
    person_id = access.PERSON_ID
    muted_until = (
        select(ChatMute.until)
        .where(ChatMute.session_id == EventSession.id, ChatMute.person_id == person_id)
        .order_by(ChatMute.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    existing_id = select(ChatMessage.id).where(
        ChatMessage.session_id == EventSession.id,
        ChatMessage.author_id == person_id,
        ChatMessage.client_id == bindparam("client_id"),
    )
    query = access.access_query(
        muted_until.label("muted_until"),
        existing_id.scalar_subquery().label("existing_id"),
        Person.name.label("author_name"),
        Person.city.label("author_city"),
        Person.country.label("author_country"),
    )
    return query.outerjoin(Person, Person.id == person_id)


_SEND_QUERY = _send_query()


def delete_message(
    client: redis.Redis,
    db: OrmSession,
    *,
    person_id: int,
    session_id: int,
    message_id: int,
    now: datetime,
) -> dict[str, Any]:
    """Marks a message deleted (kept in SQL with who and when) and broadcasts chat:deleted.

    The original chat:message in the room log is redacted, so that a client catching up
    never receives the deleted text.
    """
    _, role = access.room_access(db, person_id, session_id)
    access.require_moderator(role)
    message = db.get(ChatMessage, message_id)
    if message is None or message.session_id != session_id:
        raise NotFound(f"no message {message_id} in this session", field="message_id")
    if message.deleted_at is not None:
        db.rollback()
        return {"message_id": message.id, "deleted_at": iso(message.deleted_at)}
    message.deleted_at = now
    message.deleted_by_id = person_id
    original = room_log.find(db, session_id, message.seq)
    if original is not None:
        redacted = dict(original.payload["message"], body="", deleted=True)
        original.payload = {**original.payload, "message": redacted}
    room_log.append(client, db, session_id, "chat:deleted",
                    {"message_id": message.id}, now=now)  # fmt: skip
    db.commit()
    return {"message_id": message.id, "deleted_at": iso(now)}


def mute_person(
    db: OrmSession, *, person_id: int, session_id: int, user_id: int, minutes: int, now: datetime
) -> dict[str, Any]:
    """Mutes someone in this session's chat for `minutes` (0 lifts the mute)."""
    found, role = access.room_access(db, person_id, session_id)
    access.require_moderator(role)
    if db.get(Person, user_id) is None:
        raise NotFound(f"no person {user_id}", field="user_id")
    until = now + timedelta(minutes=minutes)
    db.add(ChatMute(session_id=found.id, person_id=user_id, until=until,
                    muted_by_id=person_id, created_at=now))  # fmt: skip
    db.commit()
    return {"user_id": user_id, "until": iso(until)}


def _message_page(newest_first: bool):
    """Messages not deleted of `session_id` after `after_seq`, at most `limit`, with their
    authors: plain rows (no ORM objects), built once."""
    columns = (ChatMessage.id, ChatMessage.seq, ChatMessage.body, ChatMessage.sent_at,
               Person.id, Person.name, Person.city, Person.country)  # fmt: skip
    query = (
        select(*columns)
        .join(Person, Person.id == ChatMessage.author_id)
        .where(
            ChatMessage.session_id == bindparam("session_id"),
            ChatMessage.seq > bindparam("after_seq"),
            ChatMessage.deleted_at.is_(None),
        )
        .limit(bindparam("limit"))
    )
    return query.order_by(ChatMessage.seq.desc() if newest_first else ChatMessage.seq)


_NEWEST_MESSAGES, _MESSAGES_AFTER = _message_page(True), _message_page(False)


def _row_wire(row: Any) -> dict[str, Any]:
    message_id, seq, body, sent_at, author_id, name, city, country = row
    author = {"id": author_id, "name": name, "city": city, "country": country}
    return {"id": message_id, "seq": seq, "author": author, "body": body, "sent_at": iso(sent_at)}


def recent_messages(db: OrmSession, session_id: int, limit: int = RECENT_LIMIT) -> list[dict]:
    """The last `limit` messages not deleted, oldest first."""
    params = {"session_id": session_id, "after_seq": 0, "limit": limit}
    rows = db.execute(_NEWEST_MESSAGES, params).all()
    return [_row_wire(row) for row in reversed(rows)]


def history(
    db: OrmSession, *, person_id: int, session_id: int, after_seq: int, limit: int
) -> dict[str, Any]:
    """A page of messages after `after_seq`, for readers of the event."""
    access.room_access(db, person_id, session_id)
    params = {"session_id": session_id, "after_seq": after_seq,
              "limit": min(limit, HISTORY_MAX_PAGE)}  # fmt: skip
    messages = [_row_wire(row) for row in db.execute(_MESSAGES_AFTER, params)]
    return {"messages": messages, "next_after_seq": messages[-1]["seq"] if messages else None}


def _require_not_muted(until: datetime | None, now: datetime) -> None:
    if until is not None and until > now:
        wait = max(1, int((until - now).total_seconds()))
        raise Muted(f"you are muted in this chat until {iso(until)}", until=iso(until),
                    retry_after=wait)  # fmt: skip
