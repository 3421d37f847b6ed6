"""Polls over real sockets: draft among moderators, open, vote and change, results, close."""

from __future__ import annotations

import pytest

from tests.support.sockets import room_fixtures

pytestmark = pytest.mark.slow
node, room = room_fixtures()


def test_a_poll_from_draft_to_final_results(room):
    _, moderator = room.moderator()
    _, alice = room.attendee()
    _, bob = room.attendee()
    sid = room.session.id
    for client in (moderator, alice, bob):
        client.join(sid)

    body = {"session_id": sid, "prompt": "Which track next?", "kind": "single",
            "options": ["AI", "Climate", "Migration"]}  # fmt: skip
    created = moderator.call("poll:create", body)
    assert created["ok"], created
    poll = created["poll"]
    assert poll["status"] == "draft" and [o["label"] for o in poll["options"]] == [
        "AI", "Climate", "Migration"]  # fmt: skip
    assert moderator.wait_for("poll:draft")[0]["poll"]["id"] == poll["id"]
    option = {o["label"]: o["id"] for o in poll["options"]}
    early = alice.call("poll:vote", {"session_id": sid, "poll_id": poll["id"],
                                     "option_ids": [option["AI"]]})  # fmt: skip
    assert early["error"]["code"] == "closed"

    opened = moderator.call("poll:set", {"session_id": sid, "poll_id": poll["id"],
                                         "action": "open"})  # fmt: skip
    assert opened["poll"]["status"] == "open"
    assert alice.wait_for("poll:opened")[0]["poll"]["id"] == poll["id"]
    assert alice.events("poll:draft") == []  # drafts stay with the moderators

    for voter, choice in ((alice, "AI"), (bob, "AI"), (bob, "Climate")):  # bob changes his mind
        ack = voter.call("poll:vote", {"session_id": sid, "poll_id": poll["id"],
                                       "option_ids": [option[choice]]})  # fmt: skip
        assert ack == {"ok": True, "poll_id": poll["id"], "option_ids": [option[choice]]}

    # Live results arrive throttled; the last one holds the final tally of the open poll.
    def latest_results():
        found = [p for p in alice.events("poll:results") if p["poll_id"] == poll["id"]]
        return found[-1]["counts"] if found else None

    import time

    deadline = time.monotonic() + 10
    while latest_results() != [1, 1, 0]:
        assert time.monotonic() < deadline, latest_results()
        with alice.changed:
            alice.changed.wait(0.3)

    closed = moderator.call("poll:set", {"session_id": sid, "poll_id": poll["id"],
                                         "action": "close"})  # fmt: skip
    assert closed["poll"]["status"] == "closed"
    final = bob.wait_for("poll:closed")[0]
    assert final["poll"]["results"] == {"poll_id": poll["id"], "counts": [1, 1, 0], "voters": 2}
    assert final["seq"] > alice.wait_for("poll:opened")[0]["seq"]
    late = alice.call("poll:vote", {"session_id": sid, "poll_id": poll["id"],
                                    "option_ids": [option["Migration"]]})  # fmt: skip
    assert late["error"]["code"] == "closed"

    # A late joiner catches up on the poll through `missed`.
    _, carol = room.attendee()
    missed = carol.join(sid, since_seq=0)["missed"]
    assert [kind for kind, _ in missed] == ["poll:opened", "poll:closed"]


def test_multiple_choice_takes_several_options(room):
    _, moderator = room.moderator()
    _, alice = room.attendee()
    sid = room.session.id
    moderator.join(sid)
    poll = moderator.call("poll:create", {"session_id": sid, "prompt": "Languages?",
                          "kind": "multiple", "options": ["ko", "en", "es"]})["poll"]  # fmt: skip
    moderator.call("poll:set", {"session_id": sid, "poll_id": poll["id"], "action": "open"})
    ids = [o["id"] for o in poll["options"]]
    ack = alice.call("poll:vote", {"session_id": sid, "poll_id": poll["id"],
                                   "option_ids": [ids[2], ids[0]]})  # fmt: skip
    assert ack["option_ids"] == sorted([ids[0], ids[2]])
    closed = moderator.call("poll:set", {"session_id": sid, "poll_id": poll["id"],
                                         "action": "close"})  # fmt: skip
    assert closed["poll"]["results"]["counts"] == [1, 0, 1]
    assert closed["poll"]["results"]["voters"] == 1
