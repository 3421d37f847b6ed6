"""Outgoing Socket.IO packets are encoded as text without a scan for binary attachments."""

import json

import pytest
from socketio import packet

from plenary.live.packets import TextPacket


def test_a_nested_payload_is_an_event_packet_and_its_scan_is_skipped(monkeypatch):
    def scanned(*_args):
        raise AssertionError("the payload was walked for bytes")

    monkeypatch.setattr(packet.Packet, "data_is_binary", classmethod(scanned))
    payload = {
        "ok": True,
        "chat": [{"id": i, "body": "안녕", "author": {"id": 1}} for i in range(3)],
    }
    encoded = TextPacket(packet.ACK, data=[payload], id=7).encode()
    assert encoded.startswith("37[")
    assert json.loads(encoded[2:]) == [payload]


def test_bytes_in_a_payload_are_refused_not_sent_as_attachments():
    with pytest.raises(TypeError):
        TextPacket(packet.EVENT, data=["chat:message", {"body": b"\x00"}]).encode()


def test_the_web_node_uses_text_packets(app):
    from plenary.extensions import socketio

    assert socketio.server.packet_class is TextPacket
