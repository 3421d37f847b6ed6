"""Attendance over real sockets: tabs count once, a crashed node's people drop out, organizers
follow the event live (`event:join`)."""

from __future__ import annotations

import signal
import time

import pytest
import requests

from tests.support.sockets import RoomClient, live_now_session

pytestmark = pytest.mark.slow

# Fast heartbeats for the tests; production uses 5 s and 45 s.
FAST_PRESENCE = {"PRESENCE_REFRESH_SECONDS": "0.5", "PRESENCE_STALE_SECONDS": "3"}


def figures(url: str, session_id: int, token: str) -> dict:
    response = requests.get(f"{url}/api/v1/sessions/{session_id}/attendance",
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


def wait_until(condition, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} not reached in {timeout}s")


@pytest.fixture
def forum(make):
    event = make.event()
    session = live_now_session(make, event)
    organizer = make.person(name="Organizer")
    make.role(organizer, event, "organizer")
    return event, session, make.token(organizer)


def test_one_person_in_three_tabs_counts_once(processes, make, forum):
    event, session, organizer_token = forum
    node = processes.web()
    _person, token = make.attendee(event)
    _, other_token = make.attendee(event)
    tabs = [RoomClient(node.url, token=token).connect() for _ in range(3)]
    other = RoomClient(node.url, token=other_token).connect()
    try:
        acks = [tab.join(session.id) for tab in tabs]
        assert acks[-1]["attendance"]["online"] == 1
        other.join(session.id)
        assert figures(node.url, session.id, organizer_token)["online"] == 2
        tabs[0].close()
        tabs[1].close()
        assert figures(node.url, session.id, organizer_token)["online"] == 2
        tabs[2].close()
        found = figures(node.url, session.id, organizer_token)
        assert (found["online"], found["unique"], found["peak"]) == (1, 2, 2)
    finally:
        for client in (*tabs, other):
            client.close()


def test_a_killed_node_drops_out_of_the_count_and_the_other_node_stays(processes, make, forum):
    event, session, organizer_token = forum
    survivor = processes.web(env=FAST_PRESENCE)
    doomed = processes.web(env=FAST_PRESENCE)
    clients = []
    try:
        for url, count in ((survivor.url, 2), (doomed.url, 3)):
            for _ in range(count):
                _, token = make.attendee(event)
                client = RoomClient(url, token=token).connect()
                client.join(session.id)
                clients.append(client)
        assert figures(survivor.url, session.id, organizer_token)["online"] == 5
        doomed.kill(signal.SIGKILL)
        killed_at = time.monotonic()
        wait_until(lambda: figures(survivor.url, session.id, organizer_token)["online"] == 2,
                   timeout=60, what="the dead node's people leaving")  # fmt: skip
        print(f"dead node's connections expired after {time.monotonic() - killed_at:.1f}s")
        time.sleep(1.5)  # three more heartbeats: the survivors stay counted
        assert figures(survivor.url, session.id, organizer_token)["online"] == 2
    finally:
        for client in clients:
            client.close()


def test_organizers_follow_the_event_live_and_attendees_may_not(processes, make, forum):
    event, session, organizer_token = forum
    node = processes.web()
    dashboard = RoomClient(node.url, token=organizer_token).connect()
    _, attendee_token = make.attendee(event)
    attendee = RoomClient(node.url, token=attendee_token).connect()
    try:
        ack = dashboard.call("event:join", {"event": event.slug})
        assert ack["ok"], ack
        assert ack["attendance"]["sessions"][0]["session_id"] == session.id
        assert ack["attendance"]["totals"]["online_now"] == 0
        refused = attendee.call("event:join", {"event": event.slug})
        assert refused["error"]["code"] == "forbidden"
        assert attendee.call("event:join", {"event": "nope"})["error"]["code"] == "not_found"
        assert attendee.call("event:join", {"slug": "x"})["error"]["code"] == "validation_error"

        attendee.join(session.id)
        pushed = dashboard.wait_for("attendance")[-1]
        assert pushed == {**pushed, "session_id": session.id, "online": 1}
        attendee.call("session:leave", {"session_id": session.id})
        wait_until(lambda: dashboard.events("attendance")[-1]["online"] == 0, timeout=15,
                   what="the leave pushed to the dashboard")  # fmt: skip
    finally:
        dashboard.close()
        attendee.close()


def test_a_room_is_sent_the_figures_when_they_change_not_on_every_heartbeat(processes, make, forum):
    event, session, _organizer_token = forum
    node = processes.web(env=FAST_PRESENCE)
    _, listener_token = make.attendee(event)
    _, other_token = make.attendee(event)
    listener = RoomClient(node.url, token=listener_token).connect()
    other = RoomClient(node.url, token=other_token).connect()
    try:
        listener.join(session.id)
        other.join(session.id)
        wait_until(lambda: [f["online"] for f in listener.events("attendance")][-1:] == [2],
                   what="the second join pushed")  # fmt: skip
        settled = len(listener.events("attendance"))
        # Ten heartbeats with nothing changed: the figures are not sent again.
        with pytest.raises(AssertionError, match="not received"):
            listener.wait_for("attendance", count=settled + 1, timeout=5.0)
        other.call("session:leave", {"session_id": session.id})
        pushed = listener.wait_for("attendance", count=settled + 1)
        assert pushed[-1]["online"] == 1
    finally:
        listener.close()
        other.close()
