"""Email bodies from Jinja2 templates in templates/email/, in the person's language (ko or en).

A plain Jinja2 environment, not Flask's: workers render emails without an app. HTML is
autoescaped, so a name like `<script>` arrives as text; the plain-text part is not escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "email"

SUBJECTS = {
    "confirmation": {
        "en": "You are registered: {event}",
        "ko": "등록이 확정되었습니다: {event}",
    },
    "waitlisted": {
        "en": "You are on the waiting list: {event}",
        "ko": "대기자 명단에 등록되었습니다: {event}",
    },
    "certificate": {
        "en": "Your certificate of attendance — {event}",
        "ko": "참가 확인서 — {event}",
    },
    "login_link": {
        "en": "Your sign-in link: {event}",
        "ko": "로그인 링크: {event}",
    },
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_email(kind: str, language: str, **context) -> Rendered:
    lang = language if language in ("ko", "en") else "en"
    env = environment()
    context = {**context, "lang": lang}
    event_title = context.get("event_title", "")
    return Rendered(
        subject=SUBJECTS[kind][lang].format(event=event_title),
        text=env.get_template(f"{kind}.txt").render(context),
        html=env.get_template(f"{kind}.html").render(context),
    )
