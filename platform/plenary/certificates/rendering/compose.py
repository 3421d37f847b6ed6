"""One certificate PDF: the event's background (rendered once per process and event) with
the person's layer stamped on top, or the whole page from the HTML template when the
person's text needs a font the fast layer does not have.
"""

from __future__ import annotations

import io
import threading

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

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


def stamp(background_pdf: bytes, overlay_pdf: bytes) -> bytes:
    """The overlay page drawn over the background page, as one page.

    The overlay goes in as a form XObject, so neither page's content stream is parsed
    (pypdf's `merge_page` parses both: ~25 ms a certificate against ~3 ms here).
    """
    writer = PdfWriter()
    page = writer.add_page(_background_reader(background_pdf).pages[0])
    overlay = PdfReader(io.BytesIO(overlay_pdf)).pages[0]
    # ReportLab writes one compressed content stream: reuse it as is, still compressed.
    form = overlay[NameObject("/Contents")].get_object().clone(writer)
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): overlay.mediabox,
            NameObject("/Resources"): overlay["/Resources"].clone(writer),
        }
    )
    resources = page[NameObject("/Resources")].get_object()
    xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
    xobjects[NameObject("/PlenaryPerson")] = form.indirect_reference or writer._add_object(form)
    page[NameObject("/Contents")] = ArrayObject(
        [
            writer._add_object(_stream(b"q\n")),
            *_contents(page),
            writer._add_object(_stream(b"\nQ q /PlenaryPerson Do Q\n")),
        ]
    )
    writer.add_metadata({"/Title": "Certificate of attendance", "/Producer": "Plenary"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_readers: dict[int, tuple[bytes, PdfReader]] = {}


def _background_reader(background_pdf: bytes) -> PdfReader:
    key = id(background_pdf)
    found = _readers.get(key)
    if found is None or found[0] is not background_pdf:
        _readers.clear()
        found = _readers[key] = (background_pdf, PdfReader(io.BytesIO(background_pdf)))
    return found[1]


def _contents(page) -> list:
    contents = page[NameObject("/Contents")]
    resolved = contents.get_object()
    return list(resolved) if isinstance(resolved, ArrayObject) else [contents]


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream
