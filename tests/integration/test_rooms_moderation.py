"""Moderation and pacing: delete, mute, closed chat, rate limit and slow mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plenary.models import ChatMessage
from plenary.rooms.limits import RATE_MAX_MESSAGES
from tests.support.sockets import live_now_session, room_fixtures

pytestmark = pytest.mark.slow
node, room = room_fixtures()


def test_moderator_deletes_a_message(room, db):
    moderator, mod_client = room.moderator(name="Moderator Lee")
    _, talker = room.attendee()
    _, late = room.attendee()
    mod_client.join(room.session.id)
    talker.join(room.session.id)
    message = talker.send(room.session.id, "something regrettable")["message"]

    ack = mod_client.call("chat:delete", {"session_id": room.session.id,
                                          "message_id": message["id"]})  # fmt: skip

    assert ack["ok"] and ack["message_id"] == message["id"]
    deleted = talker.wait_for("chat:deleted")[0]
    assert deleted == {"seq": message["seq"] + 1, "session_id": room.session.id,
                       "message_id": message["id"]}  # fmt: skip
    db.rollback()
    row = db.scalar(select(ChatMessage).where(ChatMessage.id == message["id"]))
    assert row.deleted_at is not None and row.deleted_by_id == moderator.id
    assert row.body == "something regrettable"  # kept in SQL for the record
    # Someone joining later sees neither the message nor its text in the catch-up.
    ack = late.join(room.session.id, since_seq=0)
    assert ack["chat"] == []
    (first, first_payload), (second, _) = ack["missed"]
    assert (first, second) == ("chat:message", "chat:deleted")
    assert first_payload["message"]["body"] == "" and first_payload["message"]["deleted"]
    assert ack["role"] == "attendee" and mod_client.join(room.session.id)["role"] == "moderator"


def test_muted_attendee_cannot_send_until_the_mute_ends(room, db):
    _, mod_client = room.moderator()
    person, talker = room.attendee()
    talker.join(room.session.id)
    ack = mod_client.call("chat:mute", {"session_id": room.session.id, "user_id": person.id,
                                        "minutes": 10})  # fmt: skip
    assert ack["ok"]

    refused = talker.send(room.session.id, "can I speak?")

    assert refused["ok"] is False and refused["error"]["code"] == "muted"
    assert refused["error"]["until"] == ack["until"]
    db.rollback()
    assert db.scalar(select(ChatMessage.id)) is None
    lift = {"session_id": room.session.id, "user_id": person.id, "minutes": 0}
    assert mod_client.call("chat:mute", lift)["ok"]
    assert talker.send(room.session.id, "thank you")["ok"]


@pytest.mark.parametrize("how", ["chat switched off", "session ended", "session cancelled"])
def test_chat_is_closed(room, make, how):
    now = datetime.now(UTC)
    hour = timedelta(hours=1)
    fields = {
        "chat switched off": {"chat_enabled": False},
        "session ended": {"starts_at": now - 2 * hour, "ends_at": now - hour},
        "session cancelled": {"cancelled": True},
    }[how]
    closed = live_now_session(make, room.event, **fields)
    _, talker = room.attendee()
    assert talker.join(closed.id)["ok"]  # the room can still be entered and read
    ack = talker.send(closed.id, "hello?")
    assert ack["ok"] is False and ack["error"]["code"] == "closed"


def test_rate_limit_answers_with_the_seconds_to_wait(room):
    _, talker = room.attendee()
    for n in range(RATE_MAX_MESSAGES):
        assert talker.send(room.session.id, f"message {n}")["ok"]
    ack = talker.send(room.session.id, "one too many")
    assert ack["ok"] is False and ack["error"]["code"] == "rate_limited"
    assert isinstance(ack["error"]["retry_after"], int) and 1 <= ack["error"]["retry_after"] <= 10


def test_slow_mode_paces_attendees_but_not_moderators(room, make):
    slow = live_now_session(make, room.event, slow_mode_seconds=60)
    _, talker = room.attendee()
    _, mod_client = room.moderator()
    assert talker.send(slow.id, "first")["ok"]
    ack = talker.send(slow.id, "second")
    assert ack["ok"] is False and ack["error"]["code"] == "rate_limited"
    assert 50 <= ack["error"]["retry_after"] <= 60
    assert mod_client.send(slow.id, "moderators are not slowed")["ok"]
    assert mod_client.send(slow.id, "at all")["ok"]
