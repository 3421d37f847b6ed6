"""Security headers on every response; personal data is never cached by a proxy."""

from __future__ import annotations

from flask import Response, request

# Streams are embedded from the video platform (any https origin the organizer configures).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src https:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CSP)
    if request.path.startswith("/api/") or request.path.startswith("/join/"):
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response
