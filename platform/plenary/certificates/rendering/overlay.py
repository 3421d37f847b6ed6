"""The per-person layer, drawn with ReportLab on a transparent A4 landscape page: the name,
the total, the sessions attended, the serial and the QR code to the verification page.

About 5 ms a page where WeasyPrint needs ~250 ms for the whole certificate (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import io

import segno
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from plenary.certificates.rendering import fonts
from plenary.certificates.rendering.document import LAYOUT, CertificatePage, Layout, session_rows
from plenary.certificates.rendering.embed import BackgroundPlan

# Binary streams: ASCII85 would add a quarter to every embedded font.
rl_config.useA85 = 0

INK = HexColor("#1d2a44")
GOLD = HexColor("#8a7340")
MUTED = HexColor("#4a5670")
LINE_HEIGHT = 1.18


def render_overlay(
    page: CertificatePage, layout: Layout = LAYOUT, background: BackgroundPlan | None = None
) -> bytes:
    """The person's layer as a one-page PDF; with `background`, drawn over it in one file."""
    buffer = io.BytesIO()
    size = (layout.page_w * mm, layout.page_h * mm)
    fonts.register_all()
    canvas = Canvas(
        buffer, pagesize=size, invariant=1, pageCompression=1, initialFontName="cert-sans"
    )
    canvas.setTitle(f"Certificate of attendance — {page.name}")
    canvas.setAuthor(page.event.title)
    try:
        if background is not None:
            background.draw(canvas)
        draw_person(canvas, page, layout)
        canvas.showPage()
        canvas.save()
    finally:
        if background is not None:
            background.forget(canvas)
    return buffer.getvalue()


def draw_person(canvas: Canvas, page: CertificatePage, layout: Layout = LAYOUT) -> None:
    """Draws the per-person parts on a canvas (the overlay page, or a benchmark's page)."""
    canvas.setFillColor(INK)
    _name(canvas, page.name, layout)
    _centered(canvas, page.total_label, "body-bold", 12, layout.total_y, layout)
    _sessions(canvas, page, layout)
    _qr(canvas, page.verify_url, layout)
    canvas.setFillColor(INK)
    serial_width = fonts.width(page.serial, "body", 8)
    fonts.draw(
        canvas,
        (layout.qr_x + layout.qr_size / 2) * mm - serial_width / 2,
        _y(layout.serial_y, layout),
        page.serial,
        "body",
        8,
    )
    canvas.setFillColor(MUTED)
    shown = page.verify_url.split("://", 1)[-1]
    url_width = fonts.width(shown, "body", 6)
    fonts.draw(
        canvas,
        (layout.qr_x + layout.qr_size / 2) * mm - url_width / 2,
        _y(layout.url_y, layout),
        shown,
        "body",
        6,
    )


def fits_name(name: str, layout: Layout = LAYOUT) -> tuple[float, list[str]]:
    """The largest size (and its lines) at which the name fits its box: one line if it can,
    else wrapped onto as many lines as the box height allows."""
    box_w, box_h = layout.name_box_w * mm, layout.name_box_h * mm
    size = layout.name_max_pt
    while size >= layout.name_min_pt:
        if fonts.width(name, "name", size) <= box_w:
            return size, [name]
        size -= 1
    size = 22.0
    while True:
        lines = _wrap(name, size, box_w)
        if len(lines) * size * LINE_HEIGHT <= box_h or size <= layout.name_min_pt - 3:
            return size, lines
        size -= 1


def _wrap(text: str, size: float, box_w: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if fonts.width(candidate, "name", size) <= box_w:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while fonts.width(current, "name", size) > box_w:  # one word wider than the box
            cut = len(current) - 1
            while cut > 1 and fonts.width(current[:cut], "name", size) > box_w:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _name(canvas: Canvas, name: str, layout: Layout) -> None:
    size, lines = fits_name(name, layout)
    step = size * LINE_HEIGHT
    first_centre = layout.name_center_y * mm - step * len(lines) / 2 + step / 2  # from the top
    for index, line in enumerate(lines):
        centre = first_centre + index * step
        # A line's optical centre sits about 0.35 em above its baseline.
        baseline = layout.page_h * mm - centre - size * 0.35
        line_width = fonts.width(line, "name", size)
        fonts.draw(canvas, (layout.page_w * mm - line_width) / 2, baseline, line, "name", size)


def _centered(canvas, text: str, family: str, size: float, y_mm: float, layout: Layout) -> None:
    text_width = fonts.width(text, family, size)
    fonts.draw(canvas, (layout.page_w * mm - text_width) / 2, _y(y_mm, layout), text, family, size)


def _sessions(canvas: Canvas, page: CertificatePage, layout: Layout) -> None:
    rows, more = session_rows(page, layout)
    lines = [
        (
            f"{line.minutes} min",
            (line.day.strftime("%d %b") + " · " if line.day else "") + line.title,
        )
        for line in rows
    ]
    if more:
        lines.append(("", f"… and {more} more (see the verification page)"))
    columns = 1 if len(lines) <= layout.list_rows else 2
    column_w = (layout.list_w - 8 * (columns - 1)) / columns * mm
    step = layout.list_pt * 1.45
    for index, (minutes, title) in enumerate(lines):
        column, row = divmod(index, layout.list_rows)
        x = layout.list_x * mm + column * (column_w + 8 * mm)
        y = _y(layout.list_top, layout) - layout.list_pt - row * step
        canvas.setFillColor(GOLD)
        used = fonts.draw(canvas, x, y, minutes, "body", layout.list_pt) if minutes else 0.0
        canvas.setFillColor(INK)
        prefix = " · " if minutes else ""
        room = column_w - used
        text = _ellipsize(prefix + title, "body", layout.list_pt, room)
        fonts.draw(canvas, x + used, y, text, "body", layout.list_pt)


def _ellipsize(text: str, family: str, size: float, room: float) -> str:
    if fonts.width(text, family, size) <= room:
        return text
    while text and fonts.width(text + "…", family, size) > room:
        text = text[:-1]
    return text + "…"


def _qr(canvas: Canvas, url: str, layout: Layout) -> None:
    """The QR code as vector rectangles, one per horizontal run of dark modules."""
    # A fixed mask skips segno's scoring of all eight (~9 ms); any mask is a valid code. No
    # error-level boost: level M is what the code carries either way, without the search.
    matrix = segno.make(url, error="m", mask=2, micro=False, boost_error=False).matrix
    count = len(matrix) + 4  # a two-module quiet zone
    module = layout.qr_size * mm / count
    left = layout.qr_x * mm
    top = _y(layout.qr_top, layout)
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.rect(left, top - layout.qr_size * mm, layout.qr_size * mm, layout.qr_size * mm, 0, 1)
    canvas.setFillColor(INK)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                x = left + (start + 2) * module
                y = top - (row_index + 3) * module
                path.rect(x, y, (col - start) * module, module)
            col += 1
    canvas.drawPath(path, stroke=0, fill=1)


def _y(y_mm: float, layout: Layout) -> float:
    return (layout.page_h - y_mm) * mm
