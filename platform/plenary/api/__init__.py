"""The JSON API (/api/v1): thin views that parse, check the caller, call a domain function."""

from __future__ import annotations

from flask import Flask

from plenary.api.errors import register_error_handlers


def register_api(app: Flask) -> None:
    from plenary.api import (
        attendance,
        auth,
        certificates,
        events,
        health,
        jobs,
        login_links,
        openapi,
        questions,
        registrations,
        rooms,
    )

    app.register_blueprint(health.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(events.blueprint)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(attendance.blueprint)
    app.register_blueprint(login_links.blueprint)
    app.register_blueprint(registrations.blueprint)
    app.register_blueprint(jobs.blueprint)
    app.register_blueprint(certificates.blueprint)
    app.register_blueprint(rooms.blueprint)
    app.register_blueprint(questions.blueprint)
    register_error_handlers(app)
