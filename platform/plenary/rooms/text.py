"""Cleaning typed text (chat, questions): plain text only, never HTML.

Clients render it with textContent, so `<script>` and `{{7*7}}` stay what they are: text.
"""

from __future__ import annotations

import re

from plenary.errors import BadInput

MAX_CHARS = 2000
# C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides/isolates
# that let a message display differently from what it says (Trojan Source, CVE-2021-42574).
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(raw: object, *, field: str = "body", max_chars: int = MAX_CHARS) -> str:
    """The text trimmed and stripped of control characters, or BadInput saying why not."""
    if not isinstance(raw, str):
        raise BadInput(f"{field}: must be a string", field=field)
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates ("\ud800") arrive through JSON escapes; they are not text.
        raise BadInput(f"{field}: not valid Unicode text", field=field) from None
    text = _INVISIBLE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise BadInput(f"{field}: must not be empty", field=field)
    if len(text) > max_chars:
        raise BadInput(f"{field}: at most {max_chars} characters", field=field)
    return text
