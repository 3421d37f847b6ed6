"""Embedded TrueType fonts for the per-person layer, and text split into runs by font.

ReportLab draws one font at a time and does no font fallback or Arabic shaping, so this
module does both: a family is an ordered list of faces (Latin/Greek/Cyrillic, Hangul,
Arabic); each character goes to the first face whose cmap has it, and right-to-left text is
shaped (arabic-reshaper) and put in visual order (python-bidi) before it is split.
A character no face covers (emoji, CJK ideographs, rarer scripts) makes `covered()` false:
the caller then renders the whole certificate with WeasyPrint, which shapes with HarfBuzz
and falls back through every installed font.

The faces are Debian's fonts-noto-core and fonts-nanum (TrueType outlines: ReportLab cannot
embed the CFF outlines of fonts-noto-cjk). Registered once per process.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

NOTO = Path("/usr/share/fonts/truetype/noto")
NANUM = Path("/usr/share/fonts/truetype/nanum")

# family → faces in fallback order: (ReportLab name, file, Debian package)
FAMILIES: dict[str, list[tuple[str, Path, str]]] = {
    "name": [
        ("cert-serif-bold", NOTO / "NotoSerif-Bold.ttf", "fonts-noto-core"),
        ("cert-myeongjo-bold", NANUM / "NanumMyeongjoBold.ttf", "fonts-nanum"),
        ("cert-naskh-bold", NOTO / "NotoNaskhArabic-Bold.ttf", "fonts-noto-core"),
    ],
    "body": [
        ("cert-sans", NOTO / "NotoSans-Regular.ttf", "fonts-noto-core"),
        ("cert-gothic", NANUM / "NanumGothic.ttf", "fonts-nanum"),
        ("cert-sans-arabic", NOTO / "NotoSansArabic-Regular.ttf", "fonts-noto-core"),
    ],
    "body-bold": [
        ("cert-sans-bold", NOTO / "NotoSans-Bold.ttf", "fonts-noto-core"),
        ("cert-gothic-bold", NANUM / "NanumGothicBold.ttf", "fonts-nanum"),
        ("cert-sans-arabic-bold", NOTO / "NotoSansArabic-Bold.ttf", "fonts-noto-core"),
    ],
}


@dataclass(frozen=True)
class Run:
    text: str
    font: str


@cache
def _faces(family: str) -> tuple[tuple[str, frozenset[int]], ...]:
    """The family's installed faces; a missing one is logged and skipped, so its script
    falls back to the WeasyPrint path instead of failing."""
    faces = []
    for name, path, package in FAMILIES[family]:
        if not path.exists():
            log.warning("%s is missing (apt-get install %s): slower certificates", path, package)
            continue
        # Not ASCII-readable: ReportLab would otherwise put all 95 printable ASCII glyphs in
        # every subset, used or not (~24 KB of a 71 KB certificate). Text extraction goes
        # through the ToUnicode map either way.
        font = TTFont(name, str(path), asciiReadable=False)
        pdfmetrics.registerFont(font)
        faces.append((name, frozenset(font.face.charToGlyph)))
    return tuple(faces)


def register_all() -> None:
    """Loads every face now (a worker does it once, before its first certificate)."""
    for family in FAMILIES:
        _faces(family)


def _ignorable(char: str) -> bool:
    # Bidi marks and joiners carry no glyph; a face lacking them must not force a fallback.
    return unicodedata.category(char) in ("Cf", "Mn") and not ("\u0600" <= char <= "\u06ff")


def visual(text: str) -> str:
    """The text in drawing order: Arabic letters joined, right-to-left runs reversed."""
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return text
    return get_display(arabic_reshaper.reshape(text))


@lru_cache(maxsize=4096)
def covered(text: str, family: str) -> bool:
    """Whether the family's faces draw every character (cached: every certificate of an
    event checks the same session titles)."""
    faces = _faces(family)
    return bool(faces) and all(
        _ignorable(c) or any(ord(c) in cmap for _, cmap in faces) for c in visual(text)
    )


@lru_cache(maxsize=4096)
def runs(text: str, family: str) -> tuple[Run, ...]:
    """The visual-order text cut into runs, each drawable with one face (cached: sizing a
    name measures the same strings many times)."""
    faces = _faces(family)
    result: list[Run] = []
    for char in visual(text):
        if _ignorable(char):
            continue
        code = ord(char)
        current = result[-1].font if result else None
        # Spaces and punctuation stay in the current face; letters take the first face that
        # has them, so Latin after Hangul is set in the Latin face, not Nanum's own Latin.
        neutral = unicodedata.category(char)[0] in "ZP"
        chosen = next(
            (name for name, cmap in faces if neutral and name == current and code in cmap),
            next((name for name, cmap in faces if code in cmap), faces[0][0]),
        )
        if result and result[-1].font == chosen:
            result[-1] = Run(result[-1].text + char, chosen)
        else:
            result.append(Run(char, chosen))
    return tuple(result)


def width(text: str, family: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run.text, run.font, size) for run in runs(text, family))


def draw(canvas, x: float, y: float, text: str, family: str, size: float) -> float:
    """Draws the text from x (left edge) on baseline y; returns the width drawn."""
    start = x
    for run in runs(text, family):
        canvas.setFont(run.font, size)
        canvas.drawString(x, y, run.text)
        x += pdfmetrics.stringWidth(run.text, run.font, size)
    return x - start
