"""The pages (Jinja2): the event home, sign-in by join link."""

from __future__ import annotations

from flask import Flask

from plenary.web.headers import add_security_headers


def register_web(app: Flask) -> None:
    from plenary.web import (
        certificates,
        mailbox,
        moderate_page,
        organize,
        pages,
        registration,
        room_page,
    )
    from plenary.web.csrf import csrf_token

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(organize.blueprint)
    app.register_blueprint(registration.blueprint)
    app.register_blueprint(mailbox.blueprint)
    app.register_blueprint(certificates.blueprint)
    app.register_blueprint(room_page.blueprint)
    app.register_blueprint(moderate_page.blueprint)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.after_request(add_security_headers)
    app.jinja_env.globals["languages"] = {"ko": "한국어", "en": "English"}
