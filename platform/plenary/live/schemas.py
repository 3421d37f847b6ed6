"""One strict schema per client->server payload: unknown fields and wrong types refused."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from plenary.api.validation import Strict

# Ids fit PostgreSQL's integer; anything larger is a bad id, not a database error.
Id = Annotated[int, Field(gt=0, lt=2**31)]


class Payload(Strict):
    """No coercion ("5" is not 5, true is not 1): clients send the types the protocol says."""

    model_config = ConfigDict(extra="forbid", strict=True)


class SessionJoin(Payload):
    session_id: Id
    since_seq: Annotated[int, Field(ge=0, lt=2**31)] | None = None


class SessionLeave(Payload):
    session_id: Id


class ChatSend(Payload):
    session_id: Id
    # Length and content are checked after cleaning (plenary.rooms.text), where the limit
    # counts characters of the cleaned text; this bound only stops absurd payloads early.
    body: Annotated[str, Field(max_length=200_000)]
    client_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class ChatDelete(Payload):
    session_id: Id
    message_id: Id


class ChatMute(Payload):
    session_id: Id
    user_id: Id
    minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60)]


class EventJoin(Payload):
    event: Annotated[str, Field(min_length=1, max_length=64)]
