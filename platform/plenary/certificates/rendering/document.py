"""What a certificate page shows, as plain data, and where each per-person part goes.

The same `Layout` positions the per-person layer drawn by ReportLab and the same parts in
the HTML template (the WeasyPrint-only path), so both renderings agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class SessionLine:
    title: str
    minutes: int
    day: date | None = None


@dataclass(frozen=True)
class EventFace:
    """The event-level text of the design, identical on every certificate of the event."""

    title: str
    title_ko: str | None
    dates: str  # e.g. "24–28 November 2026"
    venue: str
    verify_base: str  # PUBLIC_URL + "/certificates/"


@dataclass(frozen=True)
class CertificatePage:
    event: EventFace
    name: str
    sessions: list[SessionLine]
    total_minutes: int
    serial: str
    issued_on: date

    @property
    def verify_url(self) -> str:
        return self.event.verify_base + self.serial

    @property
    def total_label(self) -> str:
        hours, minutes = divmod(self.total_minutes, 60)
        count = len(self.sessions)
        sessions = f"{count} session" + ("" if count == 1 else "s")
        return f"{sessions} · {hours} h {minutes:02d} min in total"


@dataclass(frozen=True)
class Layout:
    """Millimetres on an A4 landscape page, measured from the top-left corner."""

    page_w: float = 297.0
    page_h: float = 210.0
    name_center_y: float = 91.0  # the name's vertical centre
    name_box_w: float = 225.0
    name_box_h: float = 24.0
    name_max_pt: float = 34.0
    name_min_pt: float = 11.0
    total_y: float = 119.0  # baseline of "N sessions · H h MM min in total"
    list_x: float = 30.0
    list_top: float = 139.0
    list_w: float = 170.0
    list_rows: int = 7  # rows per column; two columns
    list_pt: float = 7.6
    qr_x: float = 232.0
    qr_top: float = 134.0
    qr_size: float = 34.0
    serial_y: float = 174.0
    url_y: float = 179.5
    extra: dict = field(default_factory=dict)


LAYOUT = Layout()


def session_rows(page: CertificatePage, layout: Layout = LAYOUT) -> tuple[list[SessionLine], int]:
    """The sessions that fit on the page (longest attendance first) and how many did not."""
    room = layout.list_rows * 2
    ordered = sorted(page.sessions, key=lambda s: (s.day or date.min, s.title))
    if len(ordered) <= room:
        return ordered, 0
    kept = sorted(page.sessions, key=lambda s: -s.minutes)[: room - 1]
    kept.sort(key=lambda s: (s.day or date.min, s.title))
    return kept, len(ordered) - len(kept)
