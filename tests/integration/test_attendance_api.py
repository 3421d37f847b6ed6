"""Attendance over HTTP: check-ins with QR tickets, figures for organizers, the CSV export,
and who may read what."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plenary.attendance import presence
from plenary.models import AttendanceRecord, Checkin
from plenary.registration.tickets import issue_ticket
from tests.integration.attendance_support import redis_client

SECRET = "test-secret-key-not-for-production"


@pytest.fixture
def r(fresh):
    yield from redis_client(fresh)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def forum(make, clock):
    event = make.event(slug="forum")
    session = make.session(event, starts_at=clock.now(), ends_at=clock.now() + timedelta(hours=1))
    organizer = make.person(name="Org")
    make.role(organizer, event, "organizer")
    staff = make.person(name="Door staff")
    make.role(staff, event, "staff")
    guest, guest_token = make.attendee(event, name="Guest")
    return type("Forum", (), {
        "event": event, "session": session, "organizer": make.token(organizer),
        "staff": make.token(staff), "guest": guest, "guest_token": guest_token,
    })  # fmt: skip


def checkins(db) -> int:
    return db.scalar(select(func.count()).select_from(Checkin))


def test_staff_check_a_ticket_in_for_a_session_once(client, db, make, forum):
    registration = make.registration(forum.event, mode="in_person")
    ticket = issue_ticket(SECRET, registration)
    body = {"ticket": ticket, "session_id": forum.session.id}
    first = client.post("/api/v1/events/forum/checkins", json=body, headers=bearer(forum.staff))
    again = client.post("/api/v1/events/forum/checkins", json=body, headers=bearer(forum.staff))
    assert first.status_code == again.status_code == 200
    assert first.json["created"] is True and again.json["created"] is False
    assert first.json["checkin"] == again.json["checkin"]
    assert checkins(db) == 1
    record = db.scalar(select(AttendanceRecord))
    assert (record.person_id, record.onsite) == (registration.person_id, True)
    figures = client.get(f"/api/v1/sessions/{forum.session.id}/attendance",
                         headers=bearer(forum.organizer)).json  # fmt: skip
    assert figures["onsite"] == 1


def test_an_event_check_in_counts_the_person_as_a_participant(client, db, make, forum):
    registration = make.registration(forum.event, person=make.person(country="JP", city="Osaka"))
    response = client.post("/api/v1/events/forum/checkins",
                           json={"ticket": issue_ticket(SECRET, registration)},
                           headers=bearer(forum.organizer))  # fmt: skip
    assert response.status_code == 200
    assert response.json["checkin"]["session_id"] is None
    totals = client.get("/api/v1/events/forum/attendance", headers=bearer(forum.organizer)).json
    assert totals["totals"]["participants"] == 1
    assert totals["totals"]["countries"] == 1


@pytest.mark.parametrize("case", ["tampered", "forged", "other_event", "revoked", "cancelled"])
def test_a_bad_ticket_is_forbidden_and_nothing_is_recorded(client, db, make, forum, case):
    registration = make.registration(forum.event)
    ticket = issue_ticket(SECRET, registration)
    if case == "tampered":
        ticket = ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")
    elif case == "forged":
        ticket = issue_ticket("not-the-secret", registration)
    elif case == "other_event":
        other = make.event()
        ticket = issue_ticket(SECRET, make.registration(other))
    elif case == "revoked":
        registration.ticket_version = 2
        db.commit()
    elif case == "cancelled":
        registration.status = "cancelled"
        db.commit()
    response = client.post("/api/v1/events/forum/checkins",
                           json={"ticket": ticket, "session_id": forum.session.id},
                           headers=bearer(forum.staff))  # fmt: skip
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert checkins(db) == 0
    assert db.scalar(select(func.count()).select_from(AttendanceRecord)) == 0


def test_check_in_refuses_attendees_unknown_sessions_and_bad_bodies(client, db, make, forum):
    ticket = issue_ticket(SECRET, make.registration(forum.event))
    url = "/api/v1/events/forum/checkins"
    as_guest = client.post(url, json={"ticket": ticket}, headers=bearer(forum.guest_token))
    assert as_guest.status_code == 403
    unknown = client.post(url, json={"ticket": ticket, "session_id": 999999},
                          headers=bearer(forum.staff))  # fmt: skip
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "not_found"
    extra = client.post(url, json={"ticket": ticket, "onsite": True}, headers=bearer(forum.staff))
    assert extra.status_code == 400 and extra.json["error"]["field"] == "onsite"
    empty = client.post(url, json={"ticket": ""}, headers=bearer(forum.staff))
    assert empty.status_code == 400
    anonymous = client.post(url, json={"ticket": ticket})
    assert anonymous.status_code == 401
    assert checkins(db) == 0


def test_organizers_read_live_figures_and_totals(client, r, clock, make, forum):
    seoul = make.person(country="KR", city="Seoul")
    lyon = make.person(country="FR", city="Lyon")
    for sid, person in (("s1", seoul), ("s2", seoul), ("s3", lyon)):
        presence.enter(r, node_id="n", sid=sid, person_id=person.id, session_id=forum.session.id,
                       now=clock.now())  # fmt: skip
    response = client.get("/api/v1/events/forum/attendance", headers=bearer(forum.organizer))
    assert response.status_code == 200
    (session,) = response.json["sessions"]
    assert {k: session[k] for k in ("session_id", "online", "peak", "unique", "onsite")} == {
        "session_id": forum.session.id, "online": 2, "peak": 2, "unique": 2, "onsite": 0,
    }  # fmt: skip
    assert response.json["totals"] == {"online_now": 2, "participants": 2, "countries": 2,
                                       "cities": 2}  # fmt: skip
    assert {c["country"] for c in response.json["by_country"]} == {"KR", "FR"}


def test_moderators_of_the_session_read_its_series(client, r, clock, make, forum):
    moderator = make.person()
    make.role(moderator, forum.event, "moderator", session_id=forum.session.id)
    presence.enter(r, node_id="n", sid="s1", person_id=forum.guest.id,
                   session_id=forum.session.id, now=clock.now())  # fmt: skip
    clock.advance(minutes=2)
    response = client.get(f"/api/v1/sessions/{forum.session.id}/attendance",
                          headers=bearer(make.token(moderator)))  # fmt: skip
    assert response.status_code == 200
    assert [p["online"] for p in response.json["series"]] == [1, 1, 1]  # still online
    assert response.json["series"][0]["minute"] == "2026-11-27T03:00:00Z"


def test_attendees_are_forbidden_and_unknown_things_not_found(client, forum):
    guest = bearer(forum.guest_token)
    urls = [
        "/api/v1/events/forum/attendance",
        f"/api/v1/sessions/{forum.session.id}/attendance",
        "/api/v1/events/forum/attendance.csv",
    ]
    for url in urls:
        response = client.get(url, headers=guest)
        assert response.status_code == 403, url
        assert response.json["error"]["code"] == "forbidden"
    organizer = bearer(forum.organizer)
    for url in ("/api/v1/sessions/999999/attendance", "/api/v1/events/nope/attendance",
                "/api/v1/events/nope/attendance.csv"):  # fmt: skip
        response = client.get(url, headers=organizer)
        assert response.status_code == 404, url
        assert response.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/events/forum/attendance").status_code == 401


def test_csv_has_a_row_per_person_per_session_with_formulas_neutralised(
    client, r, db, clock, make, forum
):
    evil = make.person(name='=HYPERLINK("http://x","y")', city="+city", country="KR")
    korean = make.person(name="김민지", city="광주", country="KR")
    tabbed = make.person(name="\tTab", city="@home", country="KR")
    for sid, person in (("e", evil), ("k", korean), ("t", tabbed)):
        presence.enter(r, node_id="n", sid=sid, person_id=person.id,
                       session_id=forum.session.id, now=clock.now())  # fmt: skip
    clock.advance(minutes=1, seconds=30)
    presence.leave(r, node_id="n", sid="k", session_id=forum.session.id, now=clock.now())
    response = client.get("/api/v1/events/forum/attendance.csv", headers=bearer(forum.organizer))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    by_email = {row["email"]: row for row in rows}
    assert by_email[evil.email]["name"] == '\'=HYPERLINK("http://x","y")'
    assert by_email[evil.email]["city"] == "'+city"
    assert by_email[tabbed.email]["name"] == "'\tTab"
    assert by_email[tabbed.email]["city"] == "'@home"
    assert by_email[korean.email]["name"] == "김민지"
    assert by_email[korean.email]["minutes_online"] == "2"
    assert by_email[korean.email]["onsite"] == "no"
    assert by_email[korean.email]["first_seen"] == "2026-11-27T03:00:00Z"
    assert by_email[korean.email]["last_seen"] == "2026-11-27T03:01:30Z"
    assert by_email[korean.email]["session"] == forum.session.title


def test_negative_numbers_are_neutralised_too():
    from plenary.attendance.export import neutralise

    assert neutralise("-1+2") == "'-1+2"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("plain") == "plain"
    assert neutralise(3) == "3"
