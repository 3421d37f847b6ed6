"""The room:batch coalescer, driven by a fake clock and a fake timer (no real time)."""

from __future__ import annotations

import pytest

from plenary.rooms.room_batch import BATCH_EVENT, RoomCoalescer, in_seq_order


class Harness:
    def __init__(self, window: float = 0.1):
        self.now = 0.0
        self.sent: list[tuple[str, dict, str]] = []
        self.timers: list[tuple[float, object]] = []
        self.coalescer = RoomCoalescer(
            window,
            send=lambda event, payload, room: self.sent.append((event, payload, room)),
            spawn=lambda delay, fn: self.timers.append((self.now + delay, fn)),
            clock=lambda: self.now,
        )

    def emit(self, seq: int, room: str = "room-1", event: str = "chat:message") -> None:
        self.coalescer.emit(1, room, event, {"seq": seq, "session_id": 1})

    def advance(self, seconds: float) -> None:
        self.now += seconds
        due = [t for t in self.timers if t[0] <= self.now + 1e-9]
        self.timers = [t for t in self.timers if t[0] > self.now + 1e-9]
        for _at, fn in due:
            fn()


def test_first_event_of_a_quiet_window_goes_out_at_once():
    h = Harness()
    h.emit(1)
    assert h.sent == [("chat:message", {"seq": 1, "session_id": 1}, "room-1")]
    assert h.timers == []
    h.advance(0.2)
    h.emit(2)
    assert [s[1]["seq"] for s in h.sent] == [1, 2]


def test_events_within_the_window_go_out_as_one_batch_when_it_closes():
    h = Harness()
    h.emit(1)
    h.advance(0.01)
    h.emit(3)
    h.emit(2)
    h.emit(4)
    assert len(h.sent) == 1 and len(h.timers) == 1  # one flusher for the room
    assert h.timers[0][0] == 0.1  # the window counts from the last send
    h.advance(0.09)
    event, payload, room = h.sent[1]
    assert (event, room) == (BATCH_EVENT, "room-1")
    assert payload["session_id"] == 1
    assert [p["seq"] for _e, p in payload["events"]] == [2, 3, 4]
    assert h.coalescer.pending("room-1") == 0


def test_a_lone_queued_event_is_sent_as_itself():
    h = Harness()
    h.emit(1)
    h.advance(0.05)
    h.emit(2)
    h.advance(0.05)
    assert h.sent[1] == ("chat:message", {"seq": 2, "session_id": 1}, "room-1")


def test_busy_room_sends_one_frame_per_window_and_loses_nothing():
    h = Harness()
    for seq in range(1, 101):  # 100 events at 50/s
        h.emit(seq)
        h.advance(0.02)
    h.advance(1)
    seqs = []
    for event, payload, _room in h.sent:
        seqs += (
            [p["seq"] for _e, p in payload["events"]] if event == BATCH_EVENT else [payload["seq"]]
        )
    assert seqs == list(range(1, 101))
    assert len(h.sent) <= 22  # about one frame per 100 ms over 2 s


def test_rooms_are_batched_separately():
    h = Harness()
    h.emit(1, room="room-1")
    h.emit(2, room="moderators-1", event="chat:flagged")
    assert [s[2] for s in h.sent] == ["room-1", "moderators-1"]


def test_events_without_seq_keep_their_place():
    pairs = [["chat:message", {"seq": 5}], ["attendance", {"online": 3}], ["x", {"seq": 4}]]
    assert [p[1].get("seq") for p in in_seq_order(pairs)] == [4, 5, None]


def test_room_batch_ms_setting(tmp_path):
    from plenary.config import ConfigError, load_settings

    base = {"PLENARY_VAR_DIR": str(tmp_path), "SECRET_KEY": "x"}
    assert load_settings(base).room_batch_ms == 150.0
    assert load_settings({**base, "ROOM_BATCH_MS": "0"}).room_batch_ms == 0.0
    assert load_settings({**base, "ROOM_BATCH_MS": "40"}).room_batch_ms == 40.0
    with pytest.raises(ConfigError):
        load_settings({**base, "ROOM_BATCH_MS": "soon"})
