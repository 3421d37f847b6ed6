"""Every error under /api (and /healthz, /readyz) answers in the contract's JSON shape."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from plenary.errors import PlenaryError, from_validation_error

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "validation_error",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: str, message: str, status: int, field: str | None = None):
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    return jsonify({"ok": False, "error": error}), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(PlenaryError)
    def plenary_error(exc: PlenaryError):
        return jsonify(exc.to_dict()), exc.status

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        bad = from_validation_error(exc)
        return jsonify(bad.to_dict()), bad.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not wants_json():
            return exc
        code = HTTP_CODES.get(exc.code or 500, "error")
        return error_response(code, exc.description or exc.name, exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not wants_json():
            return "Internal error", 500
        return error_response("internal_error", "internal error", 500)
