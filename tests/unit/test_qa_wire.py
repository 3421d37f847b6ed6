"""The one question serializer never carries the asker of an anonymous question."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plenary.models import Person, Question
from plenary.rooms.qa_wire import question_wire


def question(anonymous: bool) -> Question:
    now = datetime(2026, 11, 27, 3, tzinfo=UTC)
    return Question(id=7, session_id=1, author_id=3, anonymous=anonymous, client_id="c",
                    body="Why?", status="visible", pinned=False, votes=2, asked_at=now,
                    updated_at=now)  # fmt: skip


def test_an_anonymous_question_is_serialized_without_an_author():
    wire = question_wire(question(True), None)
    assert wire["author"] is None and wire["anonymous"] is True
    assert "author_id" not in wire and 3 not in wire.values()


def test_the_serializer_refuses_an_author_for_an_anonymous_question():
    asker = Person(id=3, name="Asker", email="a@example.org", city="Seoul", country="KR")
    with pytest.raises(ValueError):
        question_wire(question(True), asker)
    assert question_wire(question(False), asker)["author"]["name"] == "Asker"
