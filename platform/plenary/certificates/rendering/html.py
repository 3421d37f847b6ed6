"""The certificate's HTML template rendered with WeasyPrint: the designed background once
per event, or (for text the per-person layer cannot draw) the whole page.

Security (research/reliability.md §1.9): the template is ours and autoescaped, so names and
titles are data, never markup; the URL fetcher denies everything but the bundled files under
templates/certificates/assets/, so no rendering reaches a file or the network.
"""

from __future__ import annotations

import logging
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from plenary.certificates.rendering.document import (
    LAYOUT,
    CertificatePage,
    EventFace,
    session_rows,
)

# WeasyPrint narrates every layout step at INFO: too loud for a worker rendering thousands.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TEMPLATES = Path(__file__).resolve().parents[4] / "templates"
ASSETS = TEMPLATES / "certificates" / "assets"
TEMPLATE = "certificates/certificate.html"


class BundledOnly(URLFetcher):
    """Serves files under the bundled assets folder; refuses every other URL."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("file://"):
            path = Path(url[len("file://") :].split("?")[0]).resolve()
            if path.is_relative_to(ASSETS.resolve()) and path.is_file():
                return URLFetcherResponse(url, body=path.read_bytes())
        raise ValueError(f"certificate rendering fetches no URL: {url[:80]}")


_environment: Environment | None = None


def environment() -> Environment:
    global _environment
    if _environment is None:
        _environment = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(["html", "css"], default=True),
        )
    return _environment


def render_html(event: EventFace, page: CertificatePage | None = None) -> str:
    context = {"event": event, "person": page, "layout": LAYOUT}
    if page is not None:
        rows, more = session_rows(page)
        qr = segno.make(page.verify_url, error="m")
        context.update(
            rows=rows,
            more=more,
            name_pt=_name_points(page.name),
            qr_svg=Markup(qr.svg_inline(border=2, dark="#1d2a44", light="#ffffff")),
        )
    return environment().get_template(TEMPLATE).render(**context)


def render_pdf(event: EventFace, page: CertificatePage | None = None) -> bytes:
    html = HTML(
        string=render_html(event, page),
        base_url=str(ASSETS) + "/",
        url_fetcher=BundledOnly(),
    )
    return html.write_pdf()


def _name_points(name: str) -> float:
    # Without font metrics here, size by length; CSS wraps what is still too long.
    length = max(len(name), 1)
    return max(LAYOUT.name_min_pt, min(LAYOUT.name_max_pt, LAYOUT.name_max_pt * 26 / length))
