"""The one way a question leaves the server: `question_wire`.

An anonymous question has `author: null` in every payload (room events, acks, the join
snapshot, the REST list), for every recipient, moderators included: the serializer is never
given the asker of an anonymous question, and refuses one if it is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from plenary.events.wire import iso
from plenary.models import Person, Question
from plenary.rooms.chat import author_wire

PUBLIC_STATUSES = ("visible", "answered")  # what attendees see; moderators see every status


def question_wire(question: Question, author: Person | None) -> dict[str, Any]:
    """The question as sent; `author` must be None for an anonymous question."""
    if question.anonymous and author is not None:
        raise ValueError("an anonymous question is serialized without its author")
    return {
        "id": question.id,
        "body": question.body,
        "author": author_wire(author) if author is not None else None,
        "anonymous": question.anonymous,
        "status": question.status,
        "votes": question.votes,
        "pinned": question.pinned,
        "asked_at": iso(question.asked_at),
    }


def wire_one(db: OrmSession, question: Question) -> dict[str, Any]:
    """Loads the author only when the question is not anonymous, then serializes."""
    author = None if question.anonymous else db.get(Person, question.author_id)
    return question_wire(question, author)


def wire_many(db: OrmSession, questions: list[Question]) -> list[dict[str, Any]]:
    """Serializes a list, loading the named authors in one query (anonymous ones never)."""
    named = {q.author_id for q in questions if not q.anonymous}
    people = {}
    if named:
        people = {p.id: p for p in db.scalars(select(Person).where(Person.id.in_(named)))}
    return [question_wire(q, None if q.anonymous else people.get(q.author_id)) for q in questions]
