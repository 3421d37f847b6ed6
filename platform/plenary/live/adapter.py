"""The shape every Socket.IO event handler shares: parse, identify, call, ack.

An event answers `{"ok": true, ...}` or the contract's error shape; an unexpected failure is
logged and answered `internal_error` without details. Nothing is emitted from here: domain
functions queue their broadcasts on the commit.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import request
from pydantic import BaseModel, ValidationError

from plenary.errors import BadInput, PlenaryError, Unauthenticated, from_validation_error
from plenary.extensions import db, socketio

log = logging.getLogger(__name__)


def connection_state() -> dict[str, Any]:
    """This connection's server-side state (who it is, the rooms it joined), never the client's."""
    return socketio.server.get_session(request.sid, namespace="/")


def event_handler(model: type[BaseModel]) -> Callable:
    """Wraps `fn(person_id, payload) -> dict` into a handler that always acks."""

    def wrap(fn: Callable[[int, Any], dict[str, Any]]) -> Callable:
        @functools.wraps(fn)
        def handler(*args: Any) -> dict[str, Any]:
            try:
                person_id = connection_state().get("person_id")
                if person_id is None:
                    raise Unauthenticated("this connection is not signed in")
                if len(args) != 1 or not isinstance(args[0], dict):
                    raise BadInput("the payload must be one JSON object")
                payload = model.model_validate(args[0])
                return {"ok": True, **fn(person_id, payload)}
            except ValidationError as exc:
                return from_validation_error(exc).to_dict()
            except PlenaryError as exc:
                return exc.to_dict()
            except Exception:
                log.exception("socket event %s failed", request.event.get("message"))
                error = {"code": "internal_error", "message": "internal error"}
                return {"ok": False, "error": error}
            finally:
                db.remove()

        return handler

    return wrap


def later_in_app(work: Callable[[], None]) -> Callable[[], None]:
    """`work` wrapped to run now or later in a background greenlet: inside this app's context,
    with its own database session returned to the pool afterwards (coalesced broadcasts)."""
    from flask import current_app

    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                work()
            finally:
                db.remove()

    return run
