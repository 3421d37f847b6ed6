"""One A4 landscape certificate, rendered by each candidate, warm process, one core.

    python -m bench.certificates_render [--runs 40]

Rows: WeasyPrint (the whole page from the Jinja2/HTML template), ReportLab alone (the same
content drawn on a canvas), fpdf2 alone (the same, fonts added per document as fpdf2
requires), and the hybrid Plenary ships: the template's background rendered once by
WeasyPrint and embedded as a form XObject in the ReportLab document that draws the person
(and two slower ways to join the same two layers with pypdf, for comparison). Each for a
Latin, a Korean and an Arabic name. Prints a table and writes
bench/results/certificates_render.json.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import statistics
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from plenary.certificates.rendering import fonts
from plenary.certificates.rendering.compose import background, render_certificate
from plenary.certificates.rendering.document import LAYOUT, CertificatePage, EventFace, SessionLine
from plenary.certificates.rendering.html import render_pdf
from plenary.certificates.rendering.overlay import draw_person, render_overlay

EVENT = EventFace(
    title="2026 World Human Rights Cities Forum",
    title_ko="2026 세계인권도시포럼",
    dates="24–28 November 2026",
    venue="Kim Dae-jung Convention Center, Gwangju",
    verify_base="https://forum.example.org/certificates/",
)
TITLES = [
    "Opening Ceremony: Human Rights Cities in a Time of Crisis",
    "인권도시와 기후정의 Climate justice and the city",
    "Youth Forum: 청년이 말하는 인권",
    "Special session on migrants' rights and local government",
    "Closing and the Gwangju Declaration",
]
NAMES = {"latin": "Zoë Ångström-Łukasiewicz", "korean": "김민지", "arabic": "محمد عبد الله"}


def sample(name: str) -> CertificatePage:
    from datetime import date

    sessions = [SessionLine(t, 60 + 15 * i, date(2026, 11, 24 + i)) for i, t in enumerate(TITLES)]
    return CertificatePage(
        EVENT, name, sessions, 450, "K7QXM-3T9PA-WZ2HC-8RNEF", date(2026, 11, 28)
    )


def reportlab_only(page: CertificatePage) -> bytes:
    """The design drawn with ReportLab primitives (frame, headings) plus the person."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(LAYOUT.page_w * mm, LAYOUT.page_h * mm), pageCompression=1)
    w, h = LAYOUT.page_w * mm, LAYOUT.page_h * mm
    canvas.setFillColorRGB(0.984, 0.973, 0.945)
    canvas.rect(0, 0, w, h, 0, 1)
    canvas.setLineWidth(1.6 * mm)
    canvas.rect(9 * mm, 9 * mm, w - 18 * mm, h - 18 * mm)
    canvas.setLineWidth(0.35 * mm)
    canvas.rect(12.5 * mm, 12.5 * mm, w - 25 * mm, h - 25 * mm)
    for text, family, size, y in [
        ("CERTIFICATE OF ATTENDANCE", "body-bold", 10.5, 27),
        (page.event.title, "name", 22, 46),
        (page.event.title_ko or "", "body", 11.5, 56),
        ("This is to certify that", "body", 12.5, 70),
        (f"attended the forum held {page.event.dates} · {page.event.venue}", "body", 10.5, 112),
    ]:
        canvas.setFillColorRGB(0.11, 0.16, 0.27)
        x = (w - fonts.width(text, family, size)) / 2
        fonts.draw(canvas, x, h - y * mm, text, family, size)
    draw_person(canvas, page)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def fpdf2_only(page: CertificatePage) -> bytes:
    """The same content with fpdf2: fonts must be added to every new document."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.add_page()
    for key, faces in (("name", fonts.FAMILIES["name"]), ("body", fonts.FAMILIES["body"])):
        for index, (_, path, _) in enumerate(faces):
            pdf.add_font(f"{key}{index}", fname=str(path))
    pdf.set_text_shaping(True)
    pdf.set_draw_color(29, 42, 68)
    pdf.set_line_width(1.6)
    pdf.rect(9, 9, 279, 192)
    pdf.set_fallback_fonts(["body1", "body2"])
    pdf.set_font("body0", size=10.5)
    for text, y in [("CERTIFICATE OF ATTENDANCE", 27), (page.event.title, 46),
                    (page.event.title_ko or "", 56), ("This is to certify that", 70)]:  # fmt: skip
        pdf.set_xy(0, y - 4)
        pdf.cell(w=297, text=text, align="C")
    pdf.set_fallback_fonts(["name1", "name2"])
    pdf.set_font("name0", size=30)
    pdf.set_xy(0, 86)
    pdf.cell(w=297, text=page.name, align="C")
    pdf.set_fallback_fonts(["body1", "body2"])
    pdf.set_font("body0", size=7.6)
    for index, line in enumerate(page.sessions):
        pdf.set_xy(30, 139 + index * 4)
        pdf.cell(text=f"{line.minutes} min · {line.title}")
    pdf.set_xy(210, 174)
    pdf.cell(w=78, text=page.serial, align="C")
    return bytes(pdf.output())


def hybrid_merge_page(page: CertificatePage) -> bytes:
    writer = PdfWriter()
    base = writer.add_page(PdfReader(io.BytesIO(background(page.event))).pages[0])
    base.merge_page(PdfReader(io.BytesIO(render_overlay(page))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hybrid_stamp(page: CertificatePage) -> bytes:
    return stamp(background(page.event), render_overlay(page))


def stamp(background_pdf: bytes, overlay_pdf: bytes) -> bytes:
    """The overlay page drawn over the background page with pypdf, as a form XObject.

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


CANDIDATES = {
    "WeasyPrint 70 (whole page from the template)": (lambda p: render_pdf(EVENT, p), 10),
    "ReportLab 5.1 alone (design redrawn on a canvas)": (reportlab_only, 1),
    "fpdf2 2.8.9 alone (add_font per document, HarfBuzz shaping)": (fpdf2_only, 4),
    "hybrid, pypdf merge_page": (hybrid_merge_page, 1),
    "hybrid, pypdf stamp (overlay as a form XObject)": (hybrid_stamp, 1),
    "hybrid, shipped: background embedded in the ReportLab document": (render_certificate, 1),
}


def measure(render, page: CertificatePage, runs: int) -> dict:
    render(page)  # warm: fonts registered, background cached
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        pdf = render(page)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "mean_ms": round(statistics.fmean(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
        "kb": round(len(pdf) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # fpdf2's subsetter is chatty
    fonts.register_all()
    started = time.perf_counter()
    background(EVENT)
    results = {"background_once_ms": round((time.perf_counter() - started) * 1000, 1), "rows": {}}
    print(f"background rendered once by WeasyPrint: {results['background_once_ms']} ms\n")
    print(f"{'renderer':62} {'name':7} {'mean ms':>8} {'p95 ms':>8} {'KB':>6}")
    for label, (render, divisor) in CANDIDATES.items():
        for kind, name in NAMES.items():
            row = measure(render, sample(name), max(5, args.runs // divisor))
            results["rows"][f"{label} / {kind}"] = row
            print(f"{label:62} {kind:7} {row['mean_ms']:8} {row['p95_ms']:8} {row['kb']:6}")
    assert render_certificate(sample(NAMES["korean"]))  # the shipped entry point works
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "certificates_render.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
