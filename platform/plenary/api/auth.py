"""Exchanging a join link for an API token, and who am I."""

from __future__ import annotations

from flask import Blueprint, jsonify
from pydantic import Field

from plenary.api.openapi import operation
from plenary.api.validation import Strict, parse_body
from plenary.auth import tokens
from plenary.errors import Unauthenticated
from plenary.extensions import db
from plenary.identity import clock, require_person

blueprint = Blueprint("auth", __name__, url_prefix="/api/v1")


class ExchangeBody(Strict):
    link_token: str = Field(min_length=1, max_length=200)


def person_json(person) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "city": person.city,
        "country": person.country,
        "organization": person.organization,
        "language": person.language,
    }


@blueprint.post("/auth/exchange")
@operation("Exchange a join-link token for an API token", tag="auth", body=ExchangeBody)
def exchange():
    body = parse_body(ExchangeBody)
    now = clock().now()
    with db.transaction() as session:
        link = tokens.redeem_link_token(session, body.link_token, now=now)
        if link is None:
            raise Unauthenticated("this join link is unknown, revoked or expired")
        token = tokens.issue_api_token(session, link.person, "join-link exchange", now=now)
        person = person_json(link.person)
    return jsonify({"token": token, "user": person})


@blueprint.get("/me")
@operation("The signed-in person", tag="auth", auth="cookie")
def me():
    return jsonify({"user": person_json(require_person())})
