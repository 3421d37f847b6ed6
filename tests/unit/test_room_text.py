"""Cleaning chat text: plain text in, plain text out, or a clear validation error."""

from __future__ import annotations

import pytest

from plenary.errors import BadInput
from plenary.rooms.text import clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  hello  ", "hello"),
        ("line one\r\nline two\rthree", "line one\nline two\nthree"),
        ("tab\tkept", "tab\tkept"),
        ("nul\x00 and bell\x07 gone", "nul and bell gone"),
        ("\u202eevil\u202c text", "evil text"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("{{7*7}}", "{{7*7}}"),
        ("한국어 😀 emoji", "한국어 😀 emoji"),
        ("가" * 2000, "가" * 2000),
    ],
)
def test_clean_text_keeps_the_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "body: must not be empty"),
        (" \n\t\x00 ", "body: must not be empty"),
        ("가" * 2001, "body: at most 2000 characters"),
        ("\ud800", "body: not valid Unicode text"),
        (b"bytes", "body: must be a string"),
        (None, "body: must be a string"),
    ],
)
def test_clean_text_refuses(raw, message):
    with pytest.raises(BadInput) as refused:
        clean_text(raw)
    assert refused.value.message == message and refused.value.field == "body"
