"""Join links sign a browser in; API clients exchange them for tokens; tokens are revocable."""

from __future__ import annotations

from plenary.auth.tokens import hash_token, revoke_api_token
from plenary.models import ApiToken, LinkToken


def test_join_link_signs_the_browser_in(client, make):
    event = make.event(slug="forum")
    person = make.person(name="Kim Ji-won")
    link = make.link_token(person, event)
    response = client.get(f"/join/{link}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/e/forum")
    assert response.headers["Cache-Control"] == "private, no-store"
    me = client.get("/api/v1/me").get_json()
    assert me["user"]["name"] == "Kim Ji-won"


def test_unknown_join_link_signs_nobody_in(client, make):
    make.event(slug="forum")
    assert client.get("/join/not-a-real-token").status_code == 404
    assert client.get("/api/v1/me").status_code == 401


def test_exchange_gives_an_api_token_that_authenticates(client, make, db):
    event = make.event()
    person = make.person()
    link = make.link_token(person, event)
    body = client.post("/api/v1/auth/exchange", json={"link_token": link}).get_json()
    assert body["user"]["id"] == person.id
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/me", headers=headers).get_json()["user"]["id"] == person.id
    # Stored hashed only: the raw secrets appear nowhere in the database.
    stored = {t.token_hash for t in db.query(ApiToken)}
    stored |= {t.token_hash for t in db.query(LinkToken)}
    assert body["token"] not in stored and hash_token(body["token"]) in stored
    assert link not in stored and hash_token(link) in stored


def test_revoked_token_no_longer_authenticates(client, make, db, clock):
    token = make.token(make.person())
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert revoke_api_token(db, token, now=clock.now())
    db.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_exchange_bad_input_is_a_validation_error(client, make):
    for body in ({}, {"link_token": ""}, {"link_token": 5}, {"link_token": "x", "extra": 1}):
        response = client.post("/api/v1/auth/exchange", json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == "validation_error"
    response = client.post("/api/v1/auth/exchange", data="not json", content_type="text/plain")
    assert response.status_code == 400
    assert client.post("/api/v1/auth/exchange", json={"link_token": "nope"}).status_code == 401
