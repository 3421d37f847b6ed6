"""Chat in a session room, over real Socket.IO clients against a real `plenary web` node."""

from __future__ import annotations

import socket

import pytest
import requests
import socketio
from sqlalchemy import func, select

from plenary.models import ChatMessage, RoomEvent
from tests.support.sockets import RoomClient, room_fixtures

pytestmark = pytest.mark.slow
node, room = room_fixtures()


def count(db, model) -> int:
    db.rollback()  # see what the server committed
    return db.scalar(select(func.count()).select_from(model))


def test_two_attendees_chat(room, db):
    kim, kim_client = room.attendee(name="Kim Ji-won", city="Gwangju", country="KR")
    _, ana_client = room.attendee(name="Ana Souza", city="Recife", country="BR")
    kim_client.join(room.session.id)
    ana_client.join(room.session.id)

    ack = kim_client.send(room.session.id, "  안녕하세요, hello from Gwangju!  ")

    assert ack["ok"], ack
    message = ack["message"]
    assert message["body"] == "안녕하세요, hello from Gwangju!"
    assert message["author"] == {"id": kim.id, "name": "Kim Ji-won", "city": "Gwangju",
                                 "country": "KR"}  # fmt: skip
    received = ana_client.wait_for("chat:message")[0]
    assert received == {"seq": message["seq"], "session_id": room.session.id, "message": message}
    assert received["seq"] == 1
    reply = ana_client.send(room.session.id, "Olá from Recife")["message"]
    assert kim_client.wait_for("chat:message", 2)[1]["message"] == reply
    assert reply["seq"] == 2
    assert count(db, ChatMessage) == 2 and count(db, RoomEvent) == 2


def test_join_ack_carries_the_snapshot(room):
    _, first = room.attendee()
    first.join(room.session.id)
    sent = [first.send(room.session.id, f"message {n}")["message"] for n in range(3)]
    _, second = room.attendee()

    ack = second.join(room.session.id)

    assert ack["session"]["id"] == room.session.id and ack["session"]["status"] == "live"
    assert ack["role"] == "attendee"
    assert ack["seq"] == 3
    assert ack["chat"] == sent
    assert ack["questions"] == []
    assert ack["missed"] == [] and ack["resync"] is False
    assert ack["attendance"]["online"] == 2 and ack["attendance"]["session_id"] == room.session.id


def test_reconnect_with_since_seq_receives_missed_messages_in_order(room):
    _, talker = room.attendee()
    _, listener = room.attendee()
    talker.join(room.session.id)
    seen = listener.join(room.session.id)["seq"]
    talker.send(room.session.id, "before the drop")
    seen = listener.wait_for("chat:message")[0]["seq"]
    listener.close()  # the listener drops out

    missed = [talker.send(room.session.id, f"while away {n}")["message"] for n in range(4)]

    listener.sio = socketio.Client(reconnection=False)
    listener.sio.on("*", listener._record)
    listener.connect()
    before_rejoin = len(listener.received)
    ack = listener.join(room.session.id, since_seq=seen)
    assert [event for event, _ in ack["missed"]] == ["chat:message"] * 4
    assert [payload["message"] for _, payload in ack["missed"]] == missed
    assert [payload["seq"] for _, payload in ack["missed"]] == [seen + 1 + n for n in range(4)]
    assert ack["seq"] == seen + 4 and ack["resync"] is False
    # And it is live again: the next message arrives once, after the missed ones. A missed
    # one may also arrive live (a `room:batch` flushed just after the rejoin): clients drop
    # seqs they already have, so only seqs above the ack's count as new.
    after = talker.send(room.session.id, "welcome back")["message"]
    live = listener.wait_for("chat:message", 2)
    while after["id"] not in [p["message"]["id"] for p in live]:
        live = listener.wait_for("chat:message", len(live) + 1)
    rejoined = [p for e, p in listener.received[before_rejoin:] if e == "chat:message"]
    assert {p["seq"] for p in rejoined} <= {p["seq"] for _, p in ack["missed"]} | {after["seq"]}
    assert [p["message"]["id"] for p in rejoined if p["seq"] > ack["seq"]] == [after["id"]]
    assert live[0]["message"]["id"] == missed[0]["id"] - 1  # from before the drop


def test_same_client_id_twice_stores_and_broadcasts_one_message(room, db):
    _, sender = room.attendee()
    _, watcher = room.attendee()
    sender.join(room.session.id)
    watcher.join(room.session.id)

    first = sender.send(room.session.id, "only once", client_id="c-1")
    again = sender.send(room.session.id, "only once", client_id="c-1")
    marker = sender.send(room.session.id, "marker")

    assert first == again
    received = watcher.wait_for("chat:message", 2)
    assert [p["message"]["body"] for p in received] == ["only once", "marker"]
    assert marker["message"]["seq"] == first["message"]["seq"] + 1
    assert count(db, ChatMessage) == 2


def test_connect_with_the_page_cookie(room, make):
    person, _ = make.attendee(room.event)
    link = make.link_token(person, room.event)
    browser = requests.Session()
    assert browser.get(f"{room.url}/join/{link}", allow_redirects=False).status_code == 302
    cookie = f"plenary_session={browser.cookies['plenary_session']}"
    client = RoomClient(room.url, headers={"Cookie": cookie}).connect()
    try:
        assert client.join(room.session.id)["role"] == "attendee"
    finally:
        client.close()


@pytest.mark.parametrize(
    ("how", "auth", "headers"),
    [
        ("no credentials", None, {}),
        ("unknown token", {"token": "not-a-token"}, {}),
        ("token of the wrong type", {"token": 5}, {}),
        ("auth not an object", ["token"], {}),
        ("forged cookie", None, {"Cookie": "plenary_session=forged"}),
    ],
)
def test_connection_without_valid_credentials_is_refused(room, how, auth, headers):
    client = RoomClient(room.url, headers=headers)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(auth=auth)
    refusal = client.wait_for("connect_error")[0]
    assert refusal["message"] == "unauthenticated", how
    assert refusal["data"]["code"] == "unauthenticated"


def test_foreign_origin_is_refused_even_with_a_valid_token(room, make):
    _, token = make.attendee(room.event)
    evil = RoomClient(room.url, token=token, headers={"Origin": "https://evil.example"})
    with pytest.raises(socketio.exceptions.ConnectionError):
        evil.connect()
    handshake = f"{room.url}/socket.io/?EIO=4&transport=polling"
    assert requests.get(handshake, headers={"Origin": "https://evil.example"}).status_code == 400
    assert requests.get(handshake, headers={"Origin": room.url}).status_code == 200


def test_a_burst_of_messages_arrives_complete_in_seq_order_without_duplicates(room):
    """Messages sent together may come as `room:batch` frames (ROOM_BATCH_MS, on by default;
    whether they do depends on timing): each batch is in seq order, and unpacked they are
    every message exactly once."""
    _, listener = room.attendee()
    listener.join(room.session.id)
    senders = [room.attendee()[1] for _ in range(3)]
    for sender in senders:
        sender.join(room.session.id)
    acks: list = []
    for n in range(4):  # 12 messages, emitted without waiting for acks
        for i, sender in enumerate(senders):
            message = {"session_id": room.session.id, "body": f"{i}-{n}", "client_id": f"b{i}-{n}"}
            sender.sio.emit("chat:send", message, callback=acks.append)

    received = listener.wait_for("chat:message", 12)

    seqs = [m["seq"] for m in received]
    assert sorted(seqs) == list(range(1, 13))  # complete, no duplicates
    assert sorted(m["message"]["body"] for m in received) == sorted(
        f"{i}-{n}" for i in range(3) for n in range(4)
    )
    for batch in listener.batches:
        assert batch["session_id"] == room.session.id
        inner = [payload["seq"] for _event, payload in batch["events"]]
        assert inner == sorted(inner) and len(inner) > 1


def test_the_server_declines_permessage_deflate(room):
    """Browsers offer compression on every WebSocket; the server answers without it."""
    host, port = room.url.removeprefix("http://").split(":")
    request = (
        f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = conn.recv(4096)
            assert chunk, response
            response += chunk
    head = response.split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith("http/1.1 101")
    assert "sec-websocket-extensions" not in head
