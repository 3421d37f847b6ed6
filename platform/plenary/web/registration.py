"""The registration form (no JavaScript needed), its confirmation page and the cancel link."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from pydantic import ValidationError

from plenary.events.schedule import get_event
from plenary.extensions import db
from plenary.identity import clock, current_person, settings
from plenary.registration import service, tickets
from plenary.registration.schema import FIELDS, RegistrationInput, from_strings
from plenary.web.csrf import check_csrf

blueprint = Blueprint("registration_pages", __name__)

DONE_KEY = "registered"


@blueprint.route("/e/<slug>/register", methods=["GET", "POST"])
def register(slug: str):
    event = get_event(db.session, slug)
    values = {name: request.form.get(name, "") for name in FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        check_csrf()
        try:
            data = RegistrationInput.model_validate(from_strings(values))
        except ValidationError as exc:
            errors = field_errors(exc)
        else:
            with db.transaction() as tx:
                registration, _ = service.register(tx, get_event(tx, slug), data, now=clock().now())
                session[DONE_KEY] = {"email": data.email, "id": registration.id}
            return redirect(url_for("registration_pages.registered", slug=slug), code=303)
    status = 400 if errors else 200
    page = render_template("register.html", event=event, values=values, errors=errors,
                           person=current_person())  # fmt: skip
    return page, status


@blueprint.get("/e/<slug>/registered")
def registered(slug: str):
    event = get_event(db.session, slug)
    done = session.get(DONE_KEY)
    if not done:
        return redirect(url_for("registration_pages.register", slug=slug))
    return render_template("registered.html", event=event, email=done["email"],
                           person=current_person())  # fmt: skip


@blueprint.route("/r/<token>", methods=["GET", "POST"])
def cancel(token: str):
    """The cancel link from an email: a page with a button, since mail scanners follow GETs."""
    registration = tickets.registration_for_cancel_token(
        db.session, token, secret=settings().secret_key
    )
    if registration is None or registration.status == "cancelled":
        return render_template("cancel.html", registration=None, done=False), 404
    if request.method == "POST":
        check_csrf()
        with db.transaction() as tx:
            service.cancel_registration(tx, registration, now=clock().now(), settings=settings())
        return render_template("cancel.html", registration=registration, done=True)
    return render_template("cancel.html", registration=registration, done=False)


def field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in exc.errors(include_url=False):
        field = str(problem["loc"][0]) if problem["loc"] else "form"
        message = problem["msg"]
        if problem["type"] == "missing":
            message = "required"
        elif problem["type"] == "literal_error":
            message = "choose one of the options"
        errors.setdefault(field, message)
    return errors
