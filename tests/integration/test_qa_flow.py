"""Q&A over real sockets: asking, the moderated flow end to end, catch-up, anonymity."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plenary.models import Question
from tests.support.qa import ask, everything_received, leaks, moderate, vote
from tests.support.sockets import RoomClient, live_now_session, room_fixtures

pytestmark = pytest.mark.slow
node, room = room_fixtures()


def test_an_unmoderated_question_reaches_the_room_at_once_and_a_retry_stores_one(room, db):
    _, asker = room.attendee(name="Min-jun Asker")
    _, other = room.attendee()
    asker.join(room.session.id)
    other.join(room.session.id)

    ack = ask(asker, room.session.id, "  How are seats\x07 assigned?  ", client_id="q-1")
    assert ack["ok"], ack
    question = ack["question"]
    assert question["body"] == "How are seats assigned?"
    assert question["status"] == "visible" and question["votes"] == 0
    assert question["author"]["name"] == "Min-jun Asker"
    event = other.wait_for("qa:question")[0]
    assert event["question"] == question and event["session_id"] == room.session.id
    assert event["seq"] >= 1

    again = ask(asker, room.session.id, "How are seats assigned?", client_id="q-1")
    assert again["question"] == question
    db.rollback()
    assert len(db.scalars(select(Question)).all()) == 1
    joined = other.join(room.session.id)
    assert joined["questions"] == [question]


def test_the_moderated_flow_end_to_end_keeps_an_anonymous_asker_hidden_from_everyone(
    room, make, db
):
    session = live_now_session(make, room.event, qa_moderated=True)
    asker_person, asker = room.attendee(name="Hidden Asker", email="hidden.asker@example.org")
    _, watcher = room.attendee()
    _, voter = room.attendee()
    _, moderator = room.moderator(name="Mod Erator")
    for client in (asker, watcher, voter, moderator):
        client.join(session.id)

    ack = ask(asker, session.id, "Is the keynote recorded?", anonymous=True)
    assert ack["ok"], ack
    pending = ack["question"]
    assert pending["status"] == "pending" and pending["author"] is None

    # Only the moderators hear of a pending question, and without a seq.
    assert moderator.wait_for("qa:pending")[0]["question"] == pending
    assert vote(voter, session.id, pending["id"])["error"]["code"] == "closed"
    assert watcher.join(session.id)["questions"] == []
    assert [q["id"] for q in moderator.join(session.id)["questions"]] == [pending["id"]]

    approved = moderate(moderator, session.id, pending["id"], "approve")
    assert approved["ok"] and approved["question"]["status"] == "visible"
    seen = watcher.wait_for("qa:question")[0]
    assert seen["question"]["id"] == pending["id"] and seen["question"]["author"] is None

    counted = vote(voter, session.id, pending["id"])
    assert counted == {"ok": True, "question_id": pending["id"], "votes": 1}
    updated = watcher.wait_for("qa:updated")[0]
    assert updated["question"]["votes"] == 1

    for action, status, pinned in [("pin", "visible", True), ("answer", "answered", True),
                                   ("reopen", "visible", True), ("unpin", "visible", False),
                                   ("dismiss", "dismissed", False)]:  # fmt: skip
        result = moderate(moderator, session.id, pending["id"], action)
        assert result["ok"], (action, result)
        assert (result["question"]["status"], result["question"]["pinned"]) == (status, pinned)
    assert watcher.wait_for("qa:updated", 6)[-1]["question"]["status"] == "dismissed"

    # A late joiner catches up through `missed` with every change, in seq order.
    _, late = room.attendee()
    caught = late.join(session.id, since_seq=0)
    kinds = [kind for kind, _ in caught["missed"]]
    assert kinds[0] == "qa:question" and kinds.count("qa:updated") == 6
    assert [p["seq"] for _, p in caught["missed"]] == sorted(p["seq"] for _, p in caught["missed"])

    # Anonymity: nothing any other client received names the asker.
    text_by_client = {name: everything_received(c)
                      for name, c in [("moderator", moderator), ("watcher", watcher),
                                      ("voter", voter), ("late", late)]}  # fmt: skip
    text_by_client["late"].append(caught)
    for name, text in text_by_client.items():
        assert leaks(text, asker_person) == [], name
    listing = moderator.join(session.id)["questions"]
    assert listing[0]["author"] is None and leaks(listing, asker_person) == []
    db.rollback()
    stored = db.get(Question, pending["id"])
    assert stored.author_id == asker_person.id and stored.anonymous  # kept for abuse handling


def test_a_pending_question_dismissed_stays_among_moderators(room, make):
    session = live_now_session(make, room.event, qa_moderated=True)
    _, asker = room.attendee()
    _, watcher = room.attendee()
    _, moderator = room.moderator()
    for client in (asker, watcher, moderator):
        client.join(session.id)
    question = ask(asker, session.id, "spam spam spam")["question"]
    dismissed = moderate(moderator, session.id, question["id"], "dismiss")
    assert dismissed["question"]["status"] == "dismissed"
    assert moderator.wait_for("qa:pending", 2)[1]["question"]["status"] == "dismissed"
    marker = ask(moderator, session.id, "marker")["question"]  # moderators publish at once
    assert watcher.wait_for("qa:question")[0]["question"]["id"] == marker["id"]
    assert "spam" not in str(everything_received(watcher))
    assert "spam" not in str(watcher.join(session.id, since_seq=0))


def test_withdrawing_a_vote_lowers_the_count_and_a_vote_needs_a_visible_question(room):
    _, asker = room.attendee()
    _, voter = room.attendee()
    _, moderator = room.moderator()
    for client in (asker, voter, moderator):
        client.join(room.session.id)
    question = ask(asker, room.session.id, "Where is lunch?")["question"]
    assert vote(voter, room.session.id, question["id"])["votes"] == 1
    assert vote(voter, room.session.id, question["id"], up=False)["votes"] == 0
    assert vote(voter, room.session.id, question["id"])["votes"] == 1
    assert moderate(moderator, room.session.id, question["id"], "answer")["ok"]
    refused = vote(asker, room.session.id, question["id"])
    assert refused["ok"] is False and refused["error"]["code"] == "closed"


def test_the_questions_api_sorts_by_top_and_recent(room, node):
    import requests

    _, asker = room.attendee()
    _, voter = room.attendee()
    asker.join(room.session.id)
    first = ask(asker, room.session.id, "first")["question"]
    second = ask(asker, room.session.id, "second")["question"]
    vote(voter, room.session.id, second["id"])
    token = asker.token
    url = f"{node.url}/api/v1/sessions/{room.session.id}/questions"
    headers = {"Authorization": f"Bearer {token}"}
    top = requests.get(url, params={"sort": "top"}, headers=headers, timeout=10).json()
    assert [q["id"] for q in top["questions"]] == [second["id"], first["id"]]
    recent = requests.get(url, params={"sort": "recent"}, headers=headers, timeout=10).json()
    assert [q["id"] for q in recent["questions"]] == [second["id"], first["id"]]
    bad = requests.get(url, params={"sort": "best"}, headers=headers, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "sort"
    assert requests.get(url, timeout=10).status_code == 401
    assert isinstance(RoomClient, type)
