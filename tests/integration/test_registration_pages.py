"""The registration form without JavaScript, the cancel link, login links and the dev mailbox."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from plenary.mail.delivery import deliver
from plenary.models import EmailOutbox, Registration

FORM = dict(name="Kim Ji-won", email="jiwon@example.org", city="Gwangju", country="KR",
            mode="online", language="ko", consent="yes")  # fmt: skip


def csrf(client, url) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def registrations(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(Registration))


def test_the_form_registers_and_shows_the_confirmation_page(client, make, db):
    make.event(slug="forum")
    assert 'href="/e/forum/register"' in client.get("/e/forum").get_data(as_text=True)
    token = csrf(client, "/e/forum/register")
    response = client.post("/e/forum/register", data={**FORM, "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/registered")
    page = client.get("/e/forum/registered").get_data(as_text=True)
    assert "jiwon@example.org" in page and "check your inbox" in page
    assert registrations(db) == 1


def test_form_errors_are_shown_next_to_each_field_and_nothing_is_stored(client, make, db):
    make.event(slug="forum")
    token = csrf(client, "/e/forum/register")
    bad = {**FORM, "email": "nope", "country": "XX", "name": "Eve\r\nBcc: x@y.z"}
    bad["csrf_token"] = token
    bad.pop("consent")
    response = client.post("/e/forum/register", data=bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("name", "email", "country", "consent"):
        assert f'id="{field}-error"' in page, field
    assert 'value="nope"' in page  # what was typed is kept
    assert registrations(db) == 0


def test_a_form_post_without_the_csrf_token_is_refused(client, make, db):
    make.event(slug="forum")
    client.get("/e/forum/register")
    assert client.post("/e/forum/register", data=FORM).status_code == 400
    forged = {**FORM, "csrf_token": "forged"}
    assert client.post("/e/forum/register", data=forged).status_code == 400
    assert registrations(db) == 0


def test_the_cancel_link_asks_then_cancels_once(client, make, db, clock, settings):
    from plenary.registration.processing import process_registration

    event = make.event(slug="forum")
    registration = make.registration(event, make.person(), status="pending")
    process_registration(db, registration.id, now=clock.now(), settings=settings)
    db.commit()
    text = db.scalar(select(EmailOutbox.text))
    cancel_url = re.search(r"https?://\S+/r/\S+", text).group(0)
    path = cancel_url.split("127.0.0.1:5000")[1]
    assert "Cancel your registration?" in client.get(path).get_data(as_text=True)
    assert db.get(Registration, registration.id).status == "confirmed"  # a GET changes nothing
    token = csrf(client, path)
    assert "is cancelled" in client.post(path, data={"csrf_token": token}).get_data(as_text=True)
    db.rollback()
    assert db.get(Registration, registration.id).status == "cancelled"
    assert client.get(path).status_code == 404  # used up


def test_login_link_is_always_202_emails_participants_once_per_window_and_is_rate_limited(
    client, make, db
):
    event = make.event(slug="forum")
    participant = make.person(email="kim@example.org")
    make.registration(event, participant)

    def ask(email):
        return client.post(
            "/api/v1/auth/login-link",
            json={"event": "forum", "email": email},
        )

    assert ask("kim@example.org").status_code == 202
    assert ask("KIM@example.org").status_code == 202
    assert ask("stranger@example.org").status_code == 202
    db.rollback()
    rows = db.scalars(select(EmailOutbox)).all()
    assert [(r.kind, r.to_address) for r in rows] == [("login_link", "kim@example.org")]
    statuses = [ask("kim@example.org").status_code for _ in range(5)]
    assert statuses[-1] == 429 and statuses.count(202) == 3
    bad = client.post("/api/v1/auth/login-link", json={"event": "forum"})
    assert bad.status_code == 400


def test_dev_mailbox_lists_eml_files_for_organizers_only(client, make, db, settings, clock):
    event = make.event(slug="forum")
    make.registration(event, make.person(email="m@example.org"), status="pending")
    from plenary.registration.processing import process_registration

    process_registration(db, db.scalar(select(Registration.id)), now=clock.now(), settings=settings)
    db.commit()
    deliver(db, db.scalar(select(EmailOutbox.id)), settings, now=clock.now())
    organizer, attendee = make.person(), make.person()
    make.role(organizer, event, "organizer")
    page = client.get("/dev/mailbox", headers={"Authorization": f"Bearer {make.token(organizer)}"})
    assert page.status_code == 200 and "You are registered" in page.get_data(as_text=True)
    denied = client.get("/dev/mailbox", headers={"Authorization": f"Bearer {make.token(attendee)}"})
    assert denied.status_code == 403
