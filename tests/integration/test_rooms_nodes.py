"""Two real web nodes on one Redis and one database relay room events to each other."""

from __future__ import annotations

import pytest

from tests.support.sockets import RoomClient, live_now_session

pytestmark = pytest.mark.slow


def test_a_client_on_one_node_receives_what_a_client_on_another_node_sent(processes, make):
    first_node, second_node = processes.web(), processes.web()
    event = make.event()
    session = live_now_session(make, event)
    _, seoul_token = make.attendee(event, city="Seoul")
    _, nairobi_token = make.attendee(event, city="Nairobi", country="KE")
    seoul = RoomClient(first_node.url, token=seoul_token).connect()
    nairobi = RoomClient(second_node.url, token=nairobi_token).connect()
    try:
        seoul.join(session.id)
        nairobi.join(session.id)

        sent = nairobi.send(session.id, "greetings from node two")["message"]
        received = seoul.wait_for("chat:message")[0]
        assert received["message"] == sent and received["seq"] == 1

        reply = seoul.send(session.id, "and back from node one")["message"]
        assert nairobi.wait_for("chat:message", 2)[1]["message"] == reply
        assert reply["seq"] == 2  # one counter per session, whichever node hands it out
    finally:
        seoul.close()
        nairobi.close()
