"""SQLAlchemy models: what must never be lost lives here (SQL), not in Redis."""

from plenary.models.base import Base, UTCDateTime, utcnow
from plenary.models.events import (
    LANGUAGES,
    SESSION_KINDS,
    Event,
    EventDay,
    EventSession,
    Track,
)
from plenary.models.people import (
    MODES,
    REGISTRATION_STATUSES,
    ROLES,
    ApiToken,
    LinkToken,
    Person,
    Registration,
    RoleGrant,
)
from plenary.models.rooms import ChatMessage, ChatMute, RoomEvent

__all__ = [
    "LANGUAGES",
    "MODES",
    "REGISTRATION_STATUSES",
    "ROLES",
    "SESSION_KINDS",
    "ApiToken",
    "Base",
    "ChatMessage",
    "ChatMute",
    "Event",
    "EventDay",
    "EventSession",
    "LinkToken",
    "Person",
    "Registration",
    "RoleGrant",
    "RoomEvent",
    "Track",
    "UTCDateTime",
    "utcnow",
]
