"""Deciding registrations (capacity, waiting list, promotion), tickets, and their emails."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plenary.errors import Forbidden
from plenary.mail.compose import build_message
from plenary.models import EmailOutbox, LinkToken, Registration
from plenary.registration.processing import process_registration
from plenary.registration.service import cancel_registration
from plenary.registration.tickets import issue_cancel_token, issue_ticket, verify_ticket


@pytest.fixture
def decide(app, db, clock, settings):
    def run(registration_id: int) -> str:
        status = process_registration(db, registration_id, now=clock.now(), settings=settings)
        db.commit()
        return status

    return run


def pending(make, event, mode="in_person", **person):
    return make.registration(event, make.person(**person), status="pending", mode=mode)


def outbox(db) -> dict[str, EmailOutbox]:
    return {row.dedupe_key: row for row in db.scalars(select(EmailOutbox))}


def test_in_person_is_confirmed_up_to_capacity_then_waitlisted_online_always(make, db, decide):
    event = make.event(venue_capacity=2, venue="Kim Dae-jung Convention Center")
    first, second, third = (pending(make, event) for _ in range(3))
    online = pending(make, event, mode="online")
    assert [decide(r.id) for r in (first, second, third, online)] == [
        "confirmed", "confirmed", "waitlisted", "confirmed",
    ]  # fmt: skip
    keys = set(outbox(db))
    assert keys == {
        f"confirmation:{first.id}:v1", f"confirmation:{second.id}:v1",
        f"waitlisted:{third.id}:v1", f"confirmation:{online.id}:v1",
    }  # fmt: skip
    # Running the task again changes nothing and queues nothing.
    assert decide(first.id) == "confirmed" and decide(third.id) == "waitlisted"
    assert set(outbox(db)) == keys


def test_cancelling_a_confirmed_seat_promotes_the_first_waitlisted_who_is_emailed(
    make, db, decide, clock, settings
):
    event = make.event(venue_capacity=1)
    holder, first_waiting, second_waiting = (pending(make, event) for _ in range(3))
    for registration in (holder, first_waiting, second_waiting):
        decide(registration.id)
    cancel_registration(db, holder, now=clock.now(), settings=settings)
    db.commit()
    statuses = {r.id: r.status for r in db.scalars(select(Registration))}
    assert statuses == {holder.id: "cancelled", first_waiting.id: "confirmed",
                        second_waiting.id: "waitlisted"}  # fmt: skip
    promoted = outbox(db)[f"confirmation:{first_waiting.id}:v1"]
    assert "A place has opened up" in promoted.text
    # The cancelled person's join links and ticket are revoked.
    links = db.scalars(select(LinkToken).where(LinkToken.person_id == holder.person_id)).all()
    assert links and all(link.revoked_at is not None for link in links)
    assert holder.ticket_version == 2


def test_ticket_verifies_for_its_event_only_and_not_after_cancellation(make, db, decide, settings):
    event, other = make.event(), make.event()
    registration = pending(make, event)
    decide(registration.id)
    ticket = issue_ticket(settings.secret_key, registration)
    assert verify_ticket(db, ticket, event, secret=settings.secret_key).id == registration.id
    with pytest.raises(Forbidden):
        verify_ticket(db, ticket, other, secret=settings.secret_key)
    with pytest.raises(Forbidden):
        verify_ticket(db, ticket[:-2] + "xx", event, secret=settings.secret_key)
    with pytest.raises(Forbidden):  # a cancel token is not a ticket (different salt)
        verify_ticket(db, issue_cancel_token(settings.secret_key, registration), event,
                      secret=settings.secret_key)  # fmt: skip
    registration.ticket_version += 1
    db.commit()
    with pytest.raises(Forbidden):
        verify_ticket(db, ticket, event, secret=settings.secret_key)


def test_confirmation_email_is_multipart_in_korean_with_inline_qr_and_absolute_links(
    make, db, decide, settings
):
    event = make.event(title="Forum", title_ko="세계인권도시포럼", venue_capacity=10)
    registration = pending(make, event, name="<b>김지원</b>", language="ko")
    decide(registration.id)
    row = outbox(db)[f"confirmation:{registration.id}:v1"]
    message = build_message(row, settings.mail_from)
    assert message["Subject"] == "등록이 확정되었습니다: 세계인권도시포럼"
    assert message["Message-ID"] == row.message_id and row.message_id.endswith("@plenary.invalid>")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"{settings.public_url}/join/" in text and "&lt;b&gt;김지원&lt;/b&gt;" in html
    assert 'src="cid:ticket"' in html
    images = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == "<ticket>"
    # The join link in the email signs its holder in.
    raw = text.split("/join/")[1].split()[0]
    assert db.scalar(select(LinkToken).where(LinkToken.person_id == registration.person_id))
    assert len(raw) >= 40


def test_online_confirmation_has_no_ticket(make, db, decide, settings):
    event = make.event()
    registration = pending(make, event, mode="online")
    decide(registration.id)
    row = outbox(db)[f"confirmation:{registration.id}:v1"]
    assert row.attachments == [] and "cid:ticket" not in row.html
    assert "Your registration for" in row.text


def test_a_registration_is_reopened_after_cancellation_with_a_new_confirmation(
    client, make, db, decide, clock, settings
):
    event = make.event(slug="forum")
    body = dict(name="Lee", email="lee@example.org", city="Busan", country="KR", mode="online",
                consent=True)  # fmt: skip
    registration_id = client.post("/api/v1/events/forum/registrations", json=body).get_json()["id"]
    decide(registration_id)
    cancel_registration(db, db.get(Registration, registration_id), now=clock.now(),
                        settings=settings)  # fmt: skip
    db.commit()
    again = client.post("/api/v1/events/forum/registrations", json=body).get_json()
    assert again == {"id": registration_id, "status": "pending"}
    decide(registration_id)
    assert {f"confirmation:{registration_id}:v1", f"confirmation:{registration_id}:v2"} <= set(
        outbox(db)
    )
    assert event.id


def test_one_online_registration_decided_twice_at_once_is_confirmed_once_without_the_event_lock(
    make, db, clock, settings
):
    """Online decisions lock the registration's row, not the event: a second decision of the
    same registration waits for the first and changes nothing; another registration of the
    same event is decided meanwhile."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite has one database-wide write lock)")
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import func, text

    from plenary.extensions import db as database
    from tests.support.smtp import wait_until

    event = make.event()
    first, other = pending(make, event, mode="online"), pending(make, event, mode="online")
    db.commit()
    holder = database.session.session_factory()
    assert process_registration(holder, first.id, now=clock.now(), settings=settings) == (
        "confirmed"
    )  # uncommitted: holds the row lock of `first`

    def decide_elsewhere(registration_id: int) -> str:
        session = database.session.session_factory()
        try:
            status = process_registration(session, registration_id, now=clock.now(),
                                          settings=settings)  # fmt: skip
            session.commit()
            return status
        finally:
            session.close()

    def lock_waits() -> int:
        with database.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE "
                                     "wait_event_type = 'Lock' AND datname = current_database()")
                                ).scalar()  # fmt: skip

    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            other_decision = pool.submit(decide_elsewhere, other.id)
            assert other_decision.result(timeout=30) == "confirmed"  # not held up by the event
            second = pool.submit(decide_elsewhere, first.id)
            wait_until(lambda: lock_waits() >= 1, 30, "the second decision waiting on the row")
        finally:
            holder.commit()
            holder.close()
        assert second.result(timeout=30) == "confirmed"
    db.rollback()
    links = db.scalar(select(func.count()).select_from(LinkToken)
                      .where(LinkToken.person_id == first.person_id))  # fmt: skip
    assert links == 1
    assert set(outbox(db)) == {f"confirmation:{first.id}:v1", f"confirmation:{other.id}:v1"}
