"""GET /api/v1/sessions/<id>/messages: the chat history, for the event's attendees only."""

from __future__ import annotations

import uuid

import redis

from plenary.rooms import chat


def say(settings, db, person, session, body: str, clock) -> dict:
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    return chat.send_message(client, db, person_id=person.id, session_id=session.id, body=body,
                             client_id=uuid.uuid4().hex, now=clock.now())  # fmt: skip


def test_history_pages_by_seq(app, client, make, db, settings, clock):
    event = make.event()
    session = make.session(event)
    person, token = make.attendee(event)
    sent = [say(settings, db, person, session, f"message {n}", clock) for n in range(5)]
    headers = {"Authorization": f"Bearer {token}"}

    first = client.get(f"/api/v1/sessions/{session.id}/messages?limit=3", headers=headers)
    assert first.status_code == 200
    assert first.get_json() == {"messages": sent[:3], "next_after_seq": sent[2]["seq"]}
    rest = client.get(f"/api/v1/sessions/{session.id}/messages?after_seq=3", headers=headers)
    assert rest.get_json()["messages"] == sent[3:]


def test_history_hides_deleted_messages(app, client, make, db, settings, clock):
    event = make.event()
    session = make.session(event)
    person, token = make.attendee(event)
    moderator = make.person()
    make.role(moderator, event, "moderator")
    kept = say(settings, db, person, session, "kept", clock)
    gone = say(settings, db, person, session, "gone", clock)
    rc = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    chat.delete_message(rc, db, person_id=moderator.id, session_id=session.id,
                        message_id=gone["id"], now=clock.now())  # fmt: skip
    page = client.get(f"/api/v1/sessions/{session.id}/messages",
                      headers={"Authorization": f"Bearer {token}"}).get_json()  # fmt: skip
    assert page["messages"] == [kept]


def test_history_is_for_attendees_of_the_event(app, client, make):
    event = make.event()
    session = make.session(event)
    _, other_token = make.attendee(make.event())
    url = f"/api/v1/sessions/{session.id}/messages"
    assert client.get(url).status_code == 401
    response = client.get(url, headers={"Authorization": f"Bearer {other_token}"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    _, token = make.attendee(event)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/sessions/999999/messages", headers=headers).status_code == 404
    for query in ("after_seq=-1", "after_seq=abc", "limit=0", "limit=5000"):
        bad = client.get(f"{url}?{query}", headers=headers)
        assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "validation_error"


def test_history_is_in_the_openapi_document(app, client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/sessions/{session_id}/messages"]
