"""Join snapshots served from a node's cache never hide an event, on one node or across two.

A joiner must end up with every message whose send was acknowledged before it joined:
in its snapshot, or live right after. The cache is per node and per session; room events
from any node (or none: a pending question goes only to moderators) invalidate it.
"""

from __future__ import annotations

import contextlib

import pytest

from tests.support.qa import ask
from tests.support.sockets import RoomClient, live_now_session

pytestmark = pytest.mark.slow


def seen_by(client: RoomClient, snapshot: dict, wanted: set[int]) -> set[int]:
    """Message ids the client has from its snapshot plus what arrived live (waits for all)."""
    ids = {message["id"] for message in snapshot["chat"]}
    with contextlib.suppress(AssertionError):  # what is still missing shows in the assert
        client.wait_for("chat:message", len(wanted - ids), timeout=5)
    ids |= {event["message"]["id"] for event in client.events("chat:message")}
    return ids & wanted


def test_joiners_between_sends_from_another_node_miss_no_message(processes, make):
    first_node, second_node = processes.web(), processes.web()
    event = make.event()
    session = live_now_session(make, event)
    _, sender_token = make.attendee(event)
    sender = RoomClient(second_node.url, token=sender_token).connect()
    clients = [sender]
    try:
        sender.join(session.id)
        _, token = make.attendee(event)
        first = RoomClient(first_node.url, token=token).connect()
        clients.append(first)
        first.join(session.id)  # the first node now holds the session's snapshot
        sent: set[int] = set()
        for turn in range(8):  # the chat rate limit allows 8 in 10 s
            sent.add(sender.send(session.id, f"message {turn}")["message"]["id"])
            _, token = make.attendee(event)
            joiner = RoomClient(first_node.url, token=token).connect()
            clients.append(joiner)
            snapshot = joiner.join(session.id)
            assert seen_by(joiner, snapshot, sent) == sent, f"turn {turn}"
    finally:
        for client in clients:
            client.close()


def test_a_joiner_on_the_sending_node_gets_a_message_sent_just_before(processes, make):
    node = processes.web()
    event = make.event()
    session = live_now_session(make, event)
    _, sender_token = make.attendee(event)
    sender = RoomClient(node.url, token=sender_token).connect()
    clients = [sender]
    try:
        sender.join(session.id)
        sent: set[int] = set()
        for turn in range(8):  # the chat rate limit allows 8 in 10 s
            sent.add(sender.send(session.id, f"message {turn}")["message"]["id"])
            _, token = make.attendee(event)
            joiner = RoomClient(node.url, token=token).connect()
            clients.append(joiner)
            assert seen_by(joiner, joiner.join(session.id), sent) == sent, f"turn {turn}"
    finally:
        for client in clients:
            client.close()


def test_the_cached_snapshot_shows_pending_questions_to_moderators_only(processes, make):
    node = processes.web()
    event = make.event()
    session = live_now_session(make, event, qa_moderated=True)
    _, asker_token = make.attendee(event)
    moderator = make.person()
    make.role(moderator, event, "moderator")
    asker = RoomClient(node.url, token=asker_token).connect()
    watcher = RoomClient(node.url, token=make.attendee(event)[1]).connect()
    mod = RoomClient(node.url, token=make.token(moderator)).connect()
    try:
        asker.join(session.id)
        watcher.join(session.id)  # cached before the question
        question = ask(asker, session.id, "Will the declaration be translated?")["question"]
        assert question["status"] == "pending"
        attendee_view = RoomClient(node.url, token=make.attendee(event)[1]).connect()
        try:
            assert attendee_view.join(session.id)["questions"] == []
            # The moderator joins second: the snapshot it gets is the cached one.
            assert [q["id"] for q in mod.join(session.id)["questions"]] == [question["id"]]
        finally:
            attendee_view.close()
    finally:
        for client in (asker, watcher, mod):
            client.close()
