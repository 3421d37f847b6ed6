"""The Socket.IO packet class of a web node: text only, no scan for binary attachments.

python-socketio walks every list and dict of an outgoing payload looking for `bytes`, to
decide whether the packet needs binary attachments. Plenary's events are JSON documents
and never carry bytes, and a join ack (the chat snapshot, the questions, the attendance)
is a large nested document: the walk was ~14 % of a web node's CPU in a join storm
(py-spy, docs/BENCHMARKS.md). `uses_binary_events = False` is python-socketio's own switch
for serializers without attachments (its msgpack packet sets it too). Should bytes ever
reach an emit, JSON encoding refuses them loudly instead of sending them as attachments.
"""

from __future__ import annotations

from socketio import packet


class TextPacket(packet.Packet):
    uses_binary_events = False
