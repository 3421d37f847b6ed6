"""Socket.IO room names, built here and nowhere else."""

from __future__ import annotations


def session_room(session_id: int) -> str:
    """Everyone who joined the session: room events and attendance."""
    return f"session:{session_id}"


def moderators_room(session_id: int) -> str:
    """The session's moderators and organizers: pending questions and moderation events."""
    return f"session:{session_id}:moderators"


def event_room(event_id: int) -> str:
    """The event's organizers watching the dashboard: `attendance` for every session."""
    return f"event:{event_id}:organizers"


def session_of_room(room: str | None) -> int | None:
    """The session a session or moderators room belongs to (None for any other room)."""
    if not room or not room.startswith("session:"):
        return None
    number = room.split(":", 2)[1]
    return int(number) if number.isdigit() else None
