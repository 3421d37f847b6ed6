"""POST/GET/DELETE registrations over HTTP: validation, idempotence and who may read what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plenary.models import EmailOutbox, Person, Registration


def body(**changes) -> dict:
    values = dict(name="Kim Ji-won", email="jiwon@example.org", city="Gwangju", country="KR",
                  mode="online", language="ko", consent=True)  # fmt: skip
    values.update(changes)
    return {k: v for k, v in values.items() if v is not ...}


def stored(db) -> tuple[int, int, int]:
    db.rollback()
    count = lambda model: db.scalar(select(func.count()).select_from(model))  # noqa: E731
    return count(Person), count(Registration), count(EmailOutbox)


def test_registration_is_accepted_pending_and_the_same_email_gives_the_same_id(client, make, db):
    event = make.event(slug="forum")
    first = client.post("/api/v1/events/forum/registrations", json=body())
    assert first.status_code == 202
    assert first.get_json() == {"id": first.get_json()["id"], "status": "pending"}
    again = client.post("/api/v1/events/forum/registrations",
                        json=body(email="  JIWON@Example.org ", name="Someone else"))  # fmt: skip
    assert again.status_code == 202 and again.get_json()["id"] == first.get_json()["id"]
    assert stored(db)[:2] == (1, 1)
    registration = db.get(Registration, first.get_json()["id"])
    assert (registration.event_id, registration.status, registration.mode) == (
        event.id, "pending", "online",
    )  # fmt: skip
    assert registration.person.name == "Kim Ji-won" and registration.person.language == "ko"


def test_registering_for_an_unknown_event_is_not_found(client, fresh, db):
    response = client.post("/api/v1/events/nope/registrations", json=body())
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert stored(db) == (0, 0, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (dict(email="not-an-email"), "email"),
        (dict(email="a@b"), "email"),
        (dict(email="jiwon@example.org\r\nBcc: victim@example.org"), "email"),
        (dict(country="XX"), "country"),
        (dict(country="Korea"), "country"),
        (dict(consent=...), "consent"),
        (dict(consent=False), "consent"),
        (dict(consent="yes"), "consent"),
        (dict(name="x" * 10_240), "name"),
        (dict(name="Mallory\r\nBcc: victim@example.org"), "name"),
        (dict(name="Mallory\nSubject: hi"), "name"),
        (dict(name=""), "name"),
        (dict(city="Seoul\x00"), "city"),
        (dict(mode="by_carrier_pigeon"), "mode"),
        (dict(language="fr"), "language"),
        (dict(admin=True), "admin"),
    ],
)
def test_bad_registration_is_refused_and_nothing_is_stored(client, make, db, changes, field):
    make.event(slug="forum")
    response = client.post("/api/v1/events/forum/registrations", json=body(**changes))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["field"] == field, error
    assert stored(db) == (0, 0, 0)


def test_non_json_body_is_refused(client, make, db):
    make.event(slug="forum")
    response = client.post("/api/v1/events/forum/registrations", data="name=x",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 400 and stored(db) == (0, 0, 0)


def test_a_registration_is_readable_by_its_person_and_organizers_only(client, make, db):
    event = make.event(slug="forum")
    answer = client.post("/api/v1/events/forum/registrations", json=body())
    registration_id = answer.get_json()["id"]
    owner = db.get(Registration, registration_id).person
    organizer, stranger = make.person(), make.person()
    make.role(organizer, event, "organizer")
    other_event = make.event()
    make.role(stranger, other_event, "organizer")  # organizer elsewhere: no access here

    def read(person):
        headers = {"Authorization": f"Bearer {make.token(person)}"} if person else {}
        return client.get(f"/api/v1/registrations/{registration_id}", headers=headers)

    mine = read(owner)
    assert mine.status_code == 200
    assert mine.get_json()["email"] == "jiwon@example.org"
    assert mine.get_json()["status"] == "pending"
    assert read(organizer).status_code == 200
    assert read(stranger).status_code == 404
    assert read(None).status_code == 401
    assert (
        client.get(
            "/api/v1/registrations/999999", headers={"Authorization": f"Bearer {make.token(owner)}"}
        ).status_code
        == 404
    )


def test_only_the_person_cancels_their_registration(client, make, db):
    event = make.event(slug="forum")
    person = make.person()
    registration_id = make.registration(event, person, mode="online").id
    organizer = make.person()
    make.role(organizer, event, "organizer")
    url = f"/api/v1/registrations/{registration_id}"
    other = client.delete(url, headers={"Authorization": f"Bearer {make.token(organizer)}"})
    assert other.status_code == 404
    assert db.get(Registration, registration_id).status == "confirmed"
    mine = client.delete(url, headers={"Authorization": f"Bearer {make.token(person)}"})
    assert mine.status_code == 200 and mine.get_json()["status"] == "cancelled"
    again = client.delete(url, headers={"Authorization": f"Bearer {make.token(person)}"})
    assert again.status_code == 200 and again.get_json()["status"] == "cancelled"


def test_openapi_documents_the_registration_endpoints(client, fresh):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/events/{slug}/registrations"]
    assert "delete" in paths["/api/v1/registrations/{registration_id}"]
    assert "get" in paths["/api/v1/jobs/{job_id}"]
    assert "post" in paths["/api/v1/auth/login-link"]
