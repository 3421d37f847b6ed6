"""Bad Q&A and poll input: an error ack, nothing stored, nothing broadcast.

As in test_rooms_bad_input.py, a watcher then sends a marker message: the first room event
it receives after the bad input must be that marker, so anything broadcast shows up first.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plenary.models import Poll, PollOption, PollVote, Question, QuestionVote, RoomEvent
from tests.support.qa import ask, vote
from tests.support.sockets import live_now_session, room_fixtures

pytestmark = pytest.mark.slow
node, room = room_fixtures()


def stored(db) -> tuple:
    db.rollback()
    models = (Question, QuestionVote, RoomEvent, Poll, PollOption, PollVote)
    counts = tuple(db.scalar(select(func.count()).select_from(m)) for m in models)
    states = select(Question.id, Question.status, Question.votes, Question.pinned)
    return (*counts, tuple(db.execute(states.order_by(Question.id)).all()))


@pytest.fixture
def setup(room, make):
    """An attendee, a moderator, a watcher; a visible and a pending question; an open poll."""
    moderated = live_now_session(make, room.event, qa_moderated=True)
    _, sender = room.attendee()
    _, moderator = room.moderator()
    _, watcher = room.attendee()
    for client in (sender, moderator, watcher):
        client.join(room.session.id)
        client.join(moderated.id)
    visible = ask(watcher, room.session.id, "visible one")["question"]
    pending = ask(watcher, moderated.id, "pending one")["question"]
    assert vote(sender, room.session.id, visible["id"])["ok"]
    polls = []
    for prompt in ("Lunch?", "Dinner?"):
        poll = moderator.call("poll:create", {"session_id": room.session.id, "prompt": prompt,
                              "kind": "single", "options": ["yes", "no"]})["poll"]  # fmt: skip
        assert moderator.call("poll:set", {"session_id": room.session.id, "poll_id": poll["id"],
                                           "action": "open"})["ok"]  # fmt: skip
        polls.append(poll)
    watcher.wait_for("poll:opened", 2)
    watcher.wait_for("qa:updated")  # the setup's own broadcasts are all in before each case

    class Setup:
        pass

    s = Setup()
    s.session, s.moderated, s.sender, s.moderator, s.watcher = (
        room.session, moderated, sender, moderator, watcher)  # fmt: skip
    s.visible, s.pending, s.polls = visible, pending, polls
    return s


def assert_refused(db, setup, client, event: str, payload: dict, code: str) -> dict:
    before = stored(db)
    mark = len(setup.watcher.received)
    ack = client.call(event, payload)
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    assert ack["error"]["message"]
    assert stored(db) == before
    seen = len(setup.watcher.events("chat:message"))
    marker = setup.watcher.send(setup.session.id, "marker")["message"]
    setup.watcher.wait_for("chat:message", seen + 1)
    after = [(e, p) for e, p in setup.watcher.received[mark:] if e != "attendance"]
    assert after[0][0] == "chat:message" and after[0][1]["message"] == marker, after
    return ack["error"]


def test_a_vote_on_another_sessions_question(db, setup):
    payload = {"session_id": setup.session.id, "question_id": setup.pending["id"], "up": True}
    error = assert_refused(db, setup, setup.sender, "qa:vote", payload, "not_found")
    assert error["field"] == "question_id"


def test_a_vote_twice(db, setup):
    assert_refused(db, setup, setup.sender, "qa:vote", {"session_id": setup.session.id,
                   "question_id": setup.visible["id"], "up": True}, "conflict")  # fmt: skip


def test_a_vote_on_a_pending_question(db, setup):
    assert_refused(db, setup, setup.sender, "qa:vote", {"session_id": setup.moderated.id,
                   "question_id": setup.pending["id"], "up": True}, "closed")  # fmt: skip


@pytest.mark.parametrize("action", ["approve", "dismiss", "pin"])
def test_moderating_as_an_attendee(db, setup, action):
    assert_refused(db, setup, setup.sender, "qa:moderate", {"session_id": setup.moderated.id,
                   "question_id": setup.pending["id"], "action": action}, "forbidden")  # fmt: skip


def test_poll_controls_as_an_attendee(db, setup):
    create = {"session_id": setup.session.id, "prompt": "?", "kind": "single",
              "options": ["a", "b"]}  # fmt: skip
    assert_refused(db, setup, setup.sender, "poll:create", create, "forbidden")
    assert_refused(db, setup, setup.sender, "poll:set", {"session_id": setup.session.id,
                   "poll_id": setup.polls[0]["id"], "action": "close"}, "forbidden")  # fmt: skip


def test_approving_a_question_that_does_not_exist(db, setup):
    error = assert_refused(db, setup, setup.moderator, "qa:moderate", {
        "session_id": setup.moderated.id, "question_id": 999999, "action": "approve"},
        "not_found")  # fmt: skip
    assert error["field"] == "question_id"


def test_an_action_that_does_not_apply(db, setup):
    assert_refused(db, setup, setup.moderator, "qa:moderate", {"session_id": setup.moderated.id,
                   "question_id": setup.pending["id"], "action": "answer"}, "conflict")  # fmt: skip


@pytest.mark.parametrize("count", [0, 1, 11])
def test_a_poll_with_too_few_or_too_many_options(db, setup, count):
    error = assert_refused(db, setup, setup.moderator, "poll:create", {
        "session_id": setup.session.id, "prompt": "Pick", "kind": "multiple",
        "options": [f"option {i}" for i in range(count)]}, "validation_error")  # fmt: skip
    assert error["field"] == "options"


def test_a_vote_for_an_option_of_another_poll(db, setup):
    first, second = setup.polls
    error = assert_refused(db, setup, setup.sender, "poll:vote", {
        "session_id": setup.session.id, "poll_id": first["id"],
        "option_ids": [second["options"][0]["id"]]}, "not_found")  # fmt: skip
    assert error["field"] == "option_ids"


def test_two_options_in_a_single_choice_poll(db, setup):
    first = setup.polls[0]
    assert_refused(db, setup, setup.sender, "poll:vote", {"session_id": setup.session.id,
                   "poll_id": first["id"], "option_ids": [o["id"] for o in first["options"]]},
                   "validation_error")  # fmt: skip


@pytest.mark.parametrize(
    ("event", "payload", "field"),
    [
        ("qa:ask", {"body": "x", "client_id": "c1"}, "session_id"),
        ("qa:ask", {"session_id": "1", "body": "x", "client_id": "c1"}, "session_id"),
        ("qa:ask", {"session_id": "S", "client_id": "c1"}, "body"),
        ("qa:ask", {"session_id": "S", "body": "   ", "client_id": "c1"}, "body"),
        ("qa:ask", {"session_id": "S", "body": "x" * 501, "client_id": "c1"}, "body"),
        (
            "qa:ask",
            {"session_id": "S", "body": "x", "client_id": "c1", "anonymous": "yes"},
            "anonymous",
        ),
        ("qa:ask", {"session_id": "S", "body": "x"}, "client_id"),
        ("qa:vote", {"session_id": "S", "question_id": "1", "up": True}, "question_id"),
        ("qa:vote", {"session_id": "S", "question_id": 1, "up": 1}, "up"),
        ("qa:vote", {"session_id": "S", "question_id": 1}, "up"),
        ("qa:moderate", {"session_id": "S", "question_id": 1, "action": "delete"}, "action"),
        ("qa:moderate", {"session_id": "S", "question_id": 1, "action": "approve", "x": 1}, "x"),
        (
            "poll:create",
            {"session_id": "S", "prompt": "p", "kind": "ranked", "options": ["a", "b"]},
            "kind",
        ),
        (
            "poll:create",
            {"session_id": "S", "prompt": "p", "kind": "single", "options": "a,b"},
            "options",
        ),
        ("poll:vote", {"session_id": "S", "poll_id": 1, "option_ids": []}, "option_ids"),
        ("poll:vote", {"session_id": "S", "poll_id": 1, "option_ids": ["1"]}, "option_ids.0"),
    ],
)
def test_missing_and_wrong_typed_fields(db, setup, event, payload, field):
    payload = {k: (setup.session.id if v == "S" else v) for k, v in payload.items()}
    error = assert_refused(db, setup, setup.moderator, event, payload, "validation_error")
    assert error["field"] == field
