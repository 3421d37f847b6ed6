"""Bad input on the room socket: an error ack, nothing stored, nothing broadcast.

Each case is sent by one attendee while a second one watches the room; the watcher then
sends a marker message, and the first chat event it receives after the bad input must be
that marker (one connection receives in order), so anything broadcast would show up first.
"""

from __future__ import annotations

import contextlib
import json
import uuid

import pytest
import websocket
from sqlalchemy import func, select

from plenary.models import ChatMessage, ChatMute, RoomEvent
from tests.support.sockets import RoomClient, live_now_session, room_fixtures

pytestmark = pytest.mark.slow
node, room = room_fixtures()


def stored(db) -> tuple[int, int, int]:
    db.rollback()
    return tuple(
        db.scalar(select(func.count()).select_from(model))
        for model in (ChatMessage, RoomEvent, ChatMute)
    )


@pytest.fixture
def pair(room):
    """A sender and a watcher, both in the room."""
    _, sender = room.attendee()
    _, watcher = room.attendee()
    sender.join(room.session.id)
    watcher.join(room.session.id)
    return sender, watcher


def last_seq(db, room) -> int:
    db.rollback()
    query = select(func.max(RoomEvent.seq)).where(RoomEvent.session_id == room.session.id)
    return db.scalar(query) or 0


def assert_nothing_broadcast(room, watcher: RoomClient, before_seq: int | None = None) -> None:
    """Events up to `before_seq` were emitted before the bad input: with `room:batch` on,
    they may still arrive after its ack (up to one window later), so they are skipped."""
    mark, seen = len(watcher.received), len(watcher.events("chat:message"))
    marker = watcher.send(room.session.id, "marker")["message"]
    watcher.wait_for("chat:message", seen + 1)
    while marker["seq"] not in [p.get("seq") for p in watcher.events("chat:message")]:
        watcher.wait_for("chat:message", len(watcher.events("chat:message")) + 1)
    after = [(e, p) for e, p in watcher.received[mark:] if e != "attendance"
             and not (before_seq is not None and (p.get("seq") or 0) <= before_seq)]  # fmt: skip
    assert after[0] == ("chat:message", {"seq": marker["seq"], "session_id": room.session.id,
                                         "message": marker})  # fmt: skip


def assert_refused(room, db, pair, event: str, *payload, code: str = "validation_error") -> dict:
    sender, watcher = pair
    before, before_seq = stored(db), last_seq(db, room)
    ack = sender.call(event, *payload)
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    assert ack["error"]["message"]
    assert stored(db) == before
    assert_nothing_broadcast(room, watcher, before_seq)
    return ack["error"]


def send_payload(room, **changes) -> dict:
    payload = {"session_id": room.session.id, "body": "hello", "client_id": uuid.uuid4().hex}
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not ...}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"session_id": ...}, "session_id"),
        ({"body": ...}, "body"),
        ({"client_id": ...}, "client_id"),
        ({"session_id": "1"}, "session_id"),
        ({"session_id": 1.5}, "session_id"),
        ({"session_id": True}, "session_id"),
        ({"session_id": None}, "session_id"),
        ({"session_id": -3}, "session_id"),
        ({"session_id": 2**40}, "session_id"),
        ({"body": 42}, "body"),
        ({"body": ["hello"]}, "body"),
        ({"body": {"text": "hello"}}, "body"),
        ({"body": None}, "body"),
        ({"client_id": 7}, "client_id"),
        ({"client_id": ""}, "client_id"),
        ({"client_id": "x" * 65}, "client_id"),
        ({"client_id": "<b>id</b>"}, "client_id"),
        ({"color": "red"}, "color"),
    ],
)
def test_chat_send_with_missing_or_wrong_fields(room, db, pair, change, field):
    error = assert_refused(room, db, pair, "chat:send", send_payload(room, **change))
    assert error["field"] == field


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(("a string",), id="string"),
        pytest.param(([1, 2],), id="list"),
        pytest.param((None,), id="null"),
        pytest.param((5,), id="number"),
        pytest.param(({"session_id": 1}, {"session_id": 1}), id="two-arguments"),
    ],
)
def test_chat_send_payload_that_is_not_one_object(room, db, pair, payload):
    assert_refused(room, db, pair, "chat:send", *payload)


@pytest.mark.parametrize(
    ("event", "payload", "field"),
    [
        ("session:join", {}, "session_id"),
        ("session:join", {"session_id": "abc"}, "session_id"),
        ("session:join", {"session_id": 1, "since_seq": -1}, "since_seq"),
        ("session:join", {"session_id": 1, "since_seq": "3"}, "since_seq"),
        ("session:join", {"session_id": 1, "admin": True}, "admin"),
        ("session:leave", {"session_id": 1, "session": 1}, "session"),
        ("chat:delete", {"session_id": 1}, "message_id"),
        ("chat:delete", {"session_id": 1, "message_id": "1"}, "message_id"),
        ("chat:mute", {"session_id": 1, "user_id": 2}, "minutes"),
        ("chat:mute", {"session_id": 1, "user_id": 2, "minutes": "10"}, "minutes"),
        ("chat:mute", {"session_id": 1, "user_id": 2, "minutes": 10**9}, "minutes"),
    ],
)
def test_other_events_with_missing_or_wrong_fields(room, db, pair, event, payload, field):
    error = assert_refused(room, db, pair, event, payload)
    assert error["field"] == field


def test_unknown_session(room, db, pair):
    error = assert_refused(room, db, pair, "chat:send",
                           send_payload(room, session_id=987654), code="not_found")  # fmt: skip
    assert error["field"] == "session_id"
    assert_refused(room, db, pair, "session:join", {"session_id": 987654}, code="not_found")


def test_session_of_another_event(room, db, pair, make):
    other = live_now_session(make, make.event())
    payload = send_payload(room, session_id=other.id)
    assert_refused(room, db, pair, "chat:send", payload, code="forbidden")
    assert_refused(room, db, pair, "session:join", {"session_id": other.id}, code="forbidden")


def test_body_of_100_kb(room, db, pair):
    error = assert_refused(room, db, pair, "chat:send", send_payload(room, body="a" * 100_000))
    assert error == {"code": "validation_error", "message": "body: at most 2000 characters",
                     "field": "body"}  # fmt: skip


def test_body_of_2001_characters_but_2000_is_fine(room, db, pair):
    assert_refused(room, db, pair, "chat:send", send_payload(room, body="가" * 2001))
    sender, _ = pair
    assert sender.send(room.session.id, "가" * 2000)["ok"]


@pytest.mark.parametrize(
    "body",
    ["", "   ", "\n\t \n", "\x00\x01\x07", "\u202e\u2066", "\x1b \x7f \x1b"],
    ids=["empty", "spaces", "whitespace", "controls", "bidi-only", "escape-codes"],
)
def test_body_empty_after_cleaning(room, db, pair, body):
    error = assert_refused(room, db, pair, "chat:send", send_payload(room, body=body))
    assert error["message"] == "body: must not be empty"


@pytest.mark.parametrize(
    "body", ["\ud800", "hi \udfff there", "\ud83d"], ids=["high", "low-inside-text", "half-emoji"]
)
def test_body_with_lone_surrogates(room, db, pair, body):
    error = assert_refused(room, db, pair, "chat:send", send_payload(room, body=body))
    assert error["field"] == "body"


def test_body_as_bytes_that_are_not_utf8(room, db, pair):
    # python-socketio sends bytes as a binary attachment: not a string, so not a body.
    error = assert_refused(room, db, pair, "chat:send", send_payload(room, body=b"\xff\xfe\xc0"))
    assert error["field"] == "body"


def test_attendee_cannot_delete_or_mute(room, db, pair):
    _, watcher = pair
    victim = watcher.send(room.session.id, "a fine message")["message"]
    payload = {"session_id": room.session.id, "message_id": victim["id"]}
    assert_refused(room, db, pair, "chat:delete", payload, code="forbidden")
    payload = {"session_id": room.session.id, "user_id": victim["author"]["id"], "minutes": 5}
    assert_refused(room, db, pair, "chat:mute", payload, code="forbidden")
    assert "chat:deleted" not in [event for event, _ in watcher.received]


@pytest.mark.parametrize(
    "body", ["<script>alert(1)</script>", "{{7*7}}", "<img src=x onerror=alert(1)>"]
)
def test_markup_is_stored_and_echoed_as_text(room, db, pair, body):
    sender, watcher = pair
    message = sender.send(room.session.id, body)["message"]
    assert message["body"] == body
    assert watcher.wait_for("chat:message")[0]["message"]["body"] == body
    db.rollback()
    assert db.scalar(select(ChatMessage.body).where(ChatMessage.id == message["id"])) == body


def raw_socket(url: str, token: str) -> websocket.WebSocket:
    """A bare Engine.IO v4 websocket, connected to namespace / with the token."""
    ws = websocket.create_connection(
        url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket", timeout=10
    )
    assert ws.recv().startswith("0")  # Engine.IO open
    ws.send("40" + json.dumps({"token": token}))
    assert ws.recv().startswith("40")  # Socket.IO connect accepted
    return ws


def closed(ws: websocket.WebSocket) -> bool:
    """True once the server has closed the socket (pings may arrive before that)."""
    try:
        while True:
            opcode, _ = ws.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return True
    except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
        return True
    except websocket.WebSocketTimeoutException:
        return False


def test_ten_megabyte_frame_is_refused_and_the_server_carries_on(room, db, pair, make):
    person, _ = make.attendee(room.event)
    ws = raw_socket(room.url, make.token(person))
    before = stored(db)
    frame = json.dumps(["chat:send", {"session_id": room.session.id, "client_id": "big",
                                      "body": "x" * (10 * 1024 * 1024)}])  # fmt: skip
    # The server may close while the frame is still being written.
    with contextlib.suppress(websocket.WebSocketConnectionClosedException, OSError):
        ws.send("42" + frame)
    assert closed(ws)
    assert stored(db) == before
    _, watcher = pair
    assert_nothing_broadcast(room, watcher)  # and the node still serves everyone else
    fresh = RoomClient(room.url, token=make.token(person)).connect()
    try:
        assert fresh.join(room.session.id)["ok"]
    finally:
        fresh.close()


def test_invalid_utf8_on_the_wire_closes_only_that_connection(room, db, pair, make):
    person, _ = make.attendee(room.event)
    ws = raw_socket(room.url, make.token(person))
    before = stored(db)
    body = b'42["chat:send",{"session_id":%d,"client_id":"u8","body":"\xff\xfe\xc3("}]'
    ws.send(body % room.session.id, opcode=websocket.ABNF.OPCODE_TEXT)
    assert closed(ws)
    assert stored(db) == before
    _, watcher = pair
    assert_nothing_broadcast(room, watcher)
