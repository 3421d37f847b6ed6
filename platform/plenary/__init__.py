"""Plenary: the backend of a virtual and hybrid event platform."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from plenary.clock import Clock
    from plenary.config import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    """Builds the Flask app with its Socket.IO server, database and Redis bound.

    Imported lazily so that `plenary web` can monkey-patch with gevent before Flask loads.
    """
    from plenary.app import build_app

    return build_app(settings, clock=clock)
