"""One certificate PDF: the event's background (rendered by WeasyPrint once per process and
event) embedded in the ReportLab document that draws the person, or the whole page from the
HTML template when the person's text needs a font the fast layer does not have.
"""

from __future__ import annotations

import threading

from plenary.certificates.rendering import fonts
from plenary.certificates.rendering.document import CertificatePage, EventFace
from plenary.certificates.rendering.embed import BackgroundPlan
from plenary.certificates.rendering.html import render_pdf
from plenary.certificates.rendering.overlay import render_overlay

_backgrounds: dict[EventFace, bytes] = {}
_plans: dict[EventFace, BackgroundPlan] = {}
_lock = threading.Lock()


def background(event: EventFace) -> bytes:
    """The event-level design as a one-page PDF, rendered by WeasyPrint once per process."""
    with _lock:
        found = _backgrounds.get(event)
        if found is None:
            if len(_backgrounds) > 16:  # a worker serves few events; keep memory bounded
                _backgrounds.clear()
            found = _backgrounds[event] = render_pdf(event)
        return found


def background_plan(event: EventFace) -> BackgroundPlan:
    """The background parsed once, ready to embed (see embed.py)."""
    with _lock:
        found = _plans.get(event)
    if found is None:
        found = BackgroundPlan(background(event))
        with _lock:
            if len(_plans) > 16:
                _plans.clear()
            _plans[event] = found
    return found


def fast_layer_covers(page: CertificatePage) -> bool:
    return fonts.covered(page.name, "name") and all(
        fonts.covered(line.title, "body") for line in page.sessions
    )


def render_certificate(page: CertificatePage) -> bytes:
    """The certificate as PDF bytes: hybrid when it can, whole-page WeasyPrint when it must."""
    if not fast_layer_covers(page):
        return render_pdf(page.event, page)
    return render_overlay(page, background=background_plan(page.event))
