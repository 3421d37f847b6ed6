"""A large room is sent its attendance figures less often than once a second."""

import pytest

from plenary.rooms import presence


@pytest.fixture
def pushed(monkeypatch):
    figures: dict[int, dict] = {}
    monkeypatch.setattr(presence.node, "pushed", figures)
    return figures


@pytest.mark.parametrize(("online", "interval_ms"), [(0, 1000), (40, 1000), (1000, 1000),
                                                     (1500, 1500), (3000, 3000)])  # fmt: skip
def test_the_push_interval_grows_with_the_room(pushed, online, interval_ms):
    pushed[7] = {"session_id": 7, "online": online}
    assert presence.push_interval_ms(7) == interval_ms


def test_a_session_never_pushed_is_sent_once_a_second(pushed):
    assert presence.push_interval_ms(8) == 1000
