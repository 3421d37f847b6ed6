"""Strict schemas of the Q&A and poll client->server payloads (see live/schemas.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from plenary.live.schemas import Id, Payload

ClientId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class QaAsk(Payload):
    session_id: Id
    body: Annotated[str, Field(max_length=200_000)]  # 1-500 characters after cleaning
    anonymous: bool = False
    client_id: ClientId


class QaVote(Payload):
    session_id: Id
    question_id: Id
    up: bool


class QaModerate(Payload):
    session_id: Id
    question_id: Id
    action: Literal["approve", "dismiss", "answer", "pin", "unpin", "reopen"]


class PollCreate(Payload):
    session_id: Id
    prompt: Annotated[str, Field(max_length=10_000)]
    kind: Literal["single", "multiple"]
    # The 2-10 rule is checked in the domain (one clear message); this stops absurd lists.
    options: Annotated[list[Annotated[str, Field(max_length=10_000)]], Field(max_length=100)]


class PollAction(Payload):
    session_id: Id
    poll_id: Id
    action: Literal["open", "close"]


class PollVote(Payload):
    session_id: Id
    poll_id: Id
    option_ids: Annotated[list[Id], Field(min_length=1, max_length=10)]
