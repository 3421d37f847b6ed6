"""SQLAlchemy models: what must never be lost lives here (SQL), not in Redis."""

from plenary.models.attendance import (
    AttendanceMinute,
    AttendanceRecord,
    Checkin,
    SessionAttendance,
)
from plenary.models.base import Base, UTCDateTime, utcnow
from plenary.models.certificates import Certificate, CertificateFile, CertificateRule
from plenary.models.events import (
    LANGUAGES,
    SESSION_KINDS,
    Event,
    EventDay,
    EventSession,
    Track,
)
from plenary.models.jobs import JOB_STATES, Job
from plenary.models.mail import OUTBOX_STATUSES, EmailOutbox
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
from plenary.models.qa import (
    POLL_KINDS,
    QUESTION_STATUSES,
    Poll,
    PollOption,
    PollVote,
    Question,
    QuestionVote,
)
from plenary.models.rooms import ChatMessage, ChatMute, RoomEvent

__all__ = [
    "JOB_STATES",
    "LANGUAGES",
    "MODES",
    "OUTBOX_STATUSES",
    "POLL_KINDS",
    "QUESTION_STATUSES",
    "REGISTRATION_STATUSES",
    "ROLES",
    "SESSION_KINDS",
    "ApiToken",
    "AttendanceMinute",
    "AttendanceRecord",
    "Base",
    "Certificate",
    "CertificateFile",
    "CertificateRule",
    "ChatMessage",
    "ChatMute",
    "Checkin",
    "EmailOutbox",
    "Event",
    "EventDay",
    "EventSession",
    "Job",
    "LinkToken",
    "Person",
    "Poll",
    "PollOption",
    "PollVote",
    "Question",
    "QuestionVote",
    "Registration",
    "RoleGrant",
    "RoomEvent",
    "SessionAttendance",
    "Track",
    "UTCDateTime",
    "utcnow",
]
