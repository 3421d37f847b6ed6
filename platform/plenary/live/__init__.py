"""Socket.IO transport: authenticate on connect, parse each event, call one domain function.

No business rule lives here; see plenary.rooms.
"""

from __future__ import annotations

from flask_socketio import SocketIO


def register(socketio: SocketIO) -> None:
    """Registers every handler on the app's Socket.IO server (called by create_app)."""
    from plenary.live import (
        chat_events,
        connection,
        event_events,
        poll_events,
        qa_events,
        room_events,
    )

    connection.register(socketio)
    room_events.register(socketio)
    chat_events.register(socketio)
    event_events.register(socketio)
    qa_events.register(socketio)
    poll_events.register(socketio)
