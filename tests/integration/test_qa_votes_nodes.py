"""50 clients on two real web nodes vote at once: the counts are exact."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from plenary.models import Question, QuestionVote
from tests.support.qa import ask, vote
from tests.support.sockets import RoomClient, live_now_session

pytestmark = pytest.mark.slow
VOTERS = 50


def test_fifty_clients_voting_concurrently_on_two_nodes_give_exact_counts(processes, make, db):
    nodes = [processes.web(), processes.web()]
    event = make.event()
    session = live_now_session(make, event)
    _, asker_token = make.attendee(event)
    asker = RoomClient(nodes[0].url, token=asker_token).connect()
    clients = [asker]
    try:
        asker.join(session.id)
        first = ask(asker, session.id, "Will the slides be shared?")["question"]
        second = ask(asker, session.id, "Is there a recording?")["question"]
        voters = []
        for index in range(VOTERS):
            _, token = make.attendee(event)
            voter = RoomClient(nodes[index % 2].url, token=token).connect()
            clients.append(voter)
            voter.join(session.id)
            voters.append(voter)

        start = threading.Barrier(VOTERS)
        acks: list[dict] = []
        lock = threading.Lock()

        def storm(index: int, voter: RoomClient) -> None:
            start.wait()
            results = [vote(voter, session.id, first["id"])]
            if index % 2 == 0:  # half vote for the second question too, a fifth withdraw
                results.append(vote(voter, session.id, second["id"]))
                if index % 5 == 0:
                    results.append(vote(voter, session.id, second["id"], up=False))
            results.append(vote(voter, session.id, first["id"]))  # twice: refused
            with lock:
                acks.extend(results)

        threads = [threading.Thread(target=storm, args=(i, v)) for i, v in enumerate(voters)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        refused = [a for a in acks if not a["ok"]]
        assert len(refused) == VOTERS and {a["error"]["code"] for a in refused} == {"conflict"}
        assert max(a["votes"] for a in acks if a["ok"] and a["question_id"] == first["id"]) == 50
        withdrawn = len([i for i in range(VOTERS) if i % 2 == 0 and i % 5 == 0])
        expected = {first["id"]: VOTERS, second["id"]: VOTERS // 2 - withdrawn}
        db.rollback()
        for question_id, count in expected.items():
            assert db.get(Question, question_id).votes == count
            rows = db.scalar(select(func.count()).select_from(QuestionVote)
                             .where(QuestionVote.question_id == question_id))  # fmt: skip
            assert rows == count

        # The coalesced qa:updated stream ends on the exact counts, on both nodes' clients.
        for watcher in (asker, voters[1]):
            for question_id, count in expected.items():
                _wait_for_count(watcher, question_id, count)
        updates = [p for p in asker.events("qa:updated") if p["question"]["id"] == first["id"]]
        assert len(updates) < VOTERS  # coalesced, not one per vote
    finally:
        for client in clients:
            client.close()


def _wait_for_count(client: RoomClient, question_id: int, count: int) -> None:
    def latest() -> int | None:
        updates = [p for p in client.events("qa:updated") if p["question"]["id"] == question_id]
        return max(updates, key=lambda p: p["seq"])["question"]["votes"] if updates else None

    import time

    deadline = time.monotonic() + 15
    while latest() != count:
        assert time.monotonic() < deadline, (question_id, latest(), count)
        with client.changed:
            client.changed.wait(0.5)
