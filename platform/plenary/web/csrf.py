"""CSRF protection for our HTML forms: a random token kept in the signed session cookie.

Every form carries it in a hidden field; a POST without the matching value is refused. The
session cookie is SameSite=Lax as a second layer. No JavaScript involved.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

SESSION_KEY = "csrf"
FIELD = "csrf_token"


def csrf_token() -> str:
    if SESSION_KEY not in session:
        session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def check_csrf() -> None:
    expected = session.get(SESSION_KEY)
    given = request.form.get(FIELD, "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        abort(400, description="This form has expired. Go back, reload the page and try again.")
