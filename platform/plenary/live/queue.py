"""The Socket.IO message queue between web nodes, as this node receives it.

Every room event reaches every node through Redis pub/sub, including the node that sent it.
Before this node delivers one to its local sockets, the session's cached join snapshot is
dropped (rooms/snapshots): that order is what keeps a joiner from missing the event.
"""

from __future__ import annotations

from typing import Any

import socketio

from plenary.rooms.names import session_of_room
from plenary.rooms.snapshots import snapshots


class RoomAwareRedisManager(socketio.RedisManager):
    def _handle_emit(self, message: dict[str, Any]) -> None:
        session_id = session_of_room(message.get("room"))
        if session_id is not None:
            snapshots.invalidate(session_id)
        super()._handle_emit(message)
