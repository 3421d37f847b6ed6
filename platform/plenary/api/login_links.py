"""Asking for a fresh join link by email: always 202, rate limited per address and per IP."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from pydantic import Field

from plenary import ratelimit
from plenary.api.openapi import operation
from plenary.api.validation import Strict, parse_body
from plenary.auth.people import normalize_email
from plenary.errors import RateLimited
from plenary.events.schedule import get_event
from plenary.extensions import db, redis_store
from plenary.identity import clock, settings
from plenary.registration.login_link import request_login_link

blueprint = Blueprint("login_links", __name__, url_prefix="/api/v1")

WINDOW = 15 * 60
PER_ADDRESS = 5
PER_IP = 30


class LoginLinkBody(Strict):
    event: str = Field(min_length=1, max_length=64)
    email: str = Field(min_length=3, max_length=254)


@blueprint.post("/auth/login-link")
@operation("Email a fresh join link (always 202, registered or not)", tag="auth",
           body=LoginLinkBody, responses={202: "accepted"})  # fmt: skip
def login_link():
    body = parse_body(LoginLinkBody)
    email = normalize_email(body.email)
    client = redis_store.client
    if not ratelimit.allow(client, f"login-link:ip:{request.remote_addr}", PER_IP, WINDOW):
        raise RateLimited("too many sign-in link requests from this address; try later")
    if not ratelimit.allow(client, f"login-link:email:{email}", PER_ADDRESS, WINDOW):
        raise RateLimited("too many sign-in link requests for this email; try later")
    with db.transaction() as session:
        event = get_event(session, body.event)
        request_login_link(session, event, email, now=clock().now(), settings=settings())
    return jsonify({"ok": True}), 202
