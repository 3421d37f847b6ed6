"""The one error shape of the contract, raised by domain code and rendered by each adapter.

`{"ok": false, "error": {"code": ..., "message": ..., "field"?: ...}}`
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


class PlenaryError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        error.update(self.extra)
        return {"ok": False, "error": error}


class BadInput(PlenaryError):
    code, status = "validation_error", 400


class Unauthenticated(PlenaryError):
    code, status = "unauthenticated", 401


class Forbidden(PlenaryError):
    code, status = "forbidden", 403


class NotFound(PlenaryError):
    code, status = "not_found", 404


class Conflict(PlenaryError):
    code, status = "conflict", 409


class RateLimited(PlenaryError):
    code, status = "rate_limited", 429


class Closed(PlenaryError):
    code, status = "closed", 409


class Muted(PlenaryError):
    code, status = "muted", 403


def from_validation_error(exc: ValidationError) -> BadInput:
    """The first problem pydantic found, named by its dotted field path."""
    first = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    return BadInput(f"{field}: {message}" if field else message, field=field)
