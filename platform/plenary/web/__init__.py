"""The pages (Jinja2): the event home, sign-in by join link."""

from __future__ import annotations

from flask import Flask

from plenary.web.headers import add_security_headers


def register_web(app: Flask) -> None:
    from plenary.web import pages, room_page

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(room_page.blueprint)
    app.after_request(add_security_headers)
    app.jinja_env.globals["languages"] = {"ko": "한국어", "en": "English"}
