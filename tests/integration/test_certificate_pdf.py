"""The certificate PDF: any script in the name, names as text never markup, long names fit."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from plenary.certificates.rendering.compose import fast_layer_covers, render_certificate
from plenary.certificates.rendering.document import CertificatePage, EventFace, SessionLine
from plenary.certificates.rendering.html import BundledOnly, render_pdf
from plenary.certificates.rendering.overlay import fits_name

EVENT = EventFace(
    title="World Human Rights Cities Forum",
    title_ko="세계인권도시포럼",
    dates="24–28 November 2026",
    venue="Gwangju",
    verify_base="https://forum.example.org/certificates/",
)
SERIAL = "KQXMT-PAWZH-CRNEF-TUVWX"  # no digits, so "49" can only come from evaluated markup


def page(name: str, titles=("Opening", "인권도시와 기후정의", "Closing")) -> CertificatePage:
    return CertificatePage(
        event=EVENT,
        name=name,
        sessions=[SessionLine(t, 60, date(2026, 11, 24 + i % 5)) for i, t in enumerate(titles)],
        total_minutes=60 * len(titles),
        serial=SERIAL,
        issued_on=date(2026, 11, 28),
    )


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    # Arabic is drawn in shaped presentation forms; NFKC maps them back to letters.
    return unicodedata.normalize("NFKC", reader.pages[0].extract_text())


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(
    "name",
    [
        "김민지",
        "محمد عبد الله",
        "Zoë Ångström-Łukasiewicz",
        "<script>{{7*7}}",
        "Kim Min-ji 김민지 <b>",
    ],
)
def test_the_name_and_serial_are_text_in_the_pdf(name):
    certificate = page(name)
    assert fast_layer_covers(certificate)  # Korean, Arabic, Latin: the fast path
    text = text_of(render_certificate(certificate))
    # pypdf starts a new line where the font changes: compare with whitespace collapsed.
    assert " ".join(name.split()) in " ".join(text.split())
    assert SERIAL in text
    assert "World Human Rights Cities Forum" in text  # from the background
    assert "3 sessions · 3 h 00 min in total" in text
    assert "49" not in text


def test_markup_in_a_name_stays_text_in_the_html_rendering_too():
    name = "<script>{{7*7}}</script><img src=x>"
    text = text_of(render_pdf(EVENT, page(name)))
    assert name in text and "49" not in text


def test_an_emoji_name_is_rendered_whole_by_weasyprint():
    certificate = page("Ana 🎉 Ruiz")
    assert not fast_layer_covers(certificate)
    text = text_of(render_certificate(certificate))
    assert "Ana" in text and "Ruiz" in text and SERIAL in text


@pytest.mark.parametrize("word", ["Constantinople ", "김민지", "Ω"])
def test_a_300_character_name_fits_by_shrinking_and_wrapping(word):
    name = (word * 300)[:300].strip()
    size, lines = fits_name(name)
    assert len(lines) >= 2 and size >= 8
    text = text_of(render_certificate(page(name)))
    assert squeezed(name) in squeezed(text)


def test_session_titles_are_listed_with_their_minutes():
    text = text_of(render_certificate(page("Ana")))
    assert "60 min" in text and "인권도시와 기후정의" in text and "Closing" in text


def test_the_html_renderer_fetches_no_url_but_bundled_assets():
    fetcher = BundledOnly()
    for url in ("file:///etc/passwd", "http://169.254.169.254/latest", "data:text/plain,hi"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.parametrize("name", ["Ana", "Ana 🎉"])  # the hybrid and the WeasyPrint path
def test_many_sessions_fill_two_columns_and_point_to_the_verification_page(name):
    titles = [f"Session {i}" for i in range(20)]
    text = text_of(render_certificate(page(name, titles=titles)))
    assert "and 7 more (see the verification page)" in " ".join(text.split())
    assert "20 sessions · 20 h 00 min in total" in text
