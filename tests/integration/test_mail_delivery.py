"""Sending outbox rows to a real SMTP server: success, retries, permanent failures, .eml files."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plenary.mail.compose import build_message
from plenary.mail.delivery import deliver
from plenary.mail.outbox import claim, message_id_for, queue_email
from plenary.models import EmailOutbox
from tests.support.processes import free_port
from tests.support.smtp import SmtpServer


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def queued(app, db, make, clock, settings):
    event = make.event(slug="forum")

    def add(key: str = "test:1", to: str = "kim@example.org") -> int:
        queue_email(db, dedupe_key=key, kind="test", to_address=to, to_name="Kim",
                    subject="Hello", text="Hello in text", html="<p>Hello</p>",
                    settings=settings, now=clock.now(), event_id=event.id)  # fmt: skip
        db.commit()
        return db.scalar(select(EmailOutbox.id).where(EmailOutbox.dedupe_key == key))

    return add


def row(db, outbox_id) -> EmailOutbox:
    db.rollback()
    return db.get(EmailOutbox, outbox_id, populate_existing=True)


def test_a_row_is_sent_once_and_a_second_delivery_sends_nothing(db, queued, settings, clock, smtp):
    outbox_id = queued()
    settings = settings.with_overrides(smtp_url=smtp.url)
    assert deliver(db, outbox_id, settings, now=clock.now()).state == "sent"
    assert deliver(db, outbox_id, settings, now=clock.now()).state == "skipped"
    assert len(smtp.messages) == 1 and row(db, outbox_id).status == "sent"
    assert smtp.messages[0]["Message-ID"] == row(db, outbox_id).message_id


def test_message_ids_are_stable_per_email_and_differ_between_deployments():
    sender = "Plenary <no-reply@forum.example.org>"
    first = message_id_for("confirmation:2:v1", sender, "secret-a")
    assert first == message_id_for("confirmation:2:v1", sender, "secret-a")
    assert first.endswith("@forum.example.org>")
    assert first != message_id_for("confirmation:2:v1", sender, "secret-b")
    assert first != message_id_for("confirmation:3:v1", sender, "secret-a")


def test_a_line_break_in_a_header_never_reaches_the_wire(db, queued, settings):
    row_ = row(db, queued())
    row_.to_name = "Eve\r\nBcc: victim@example.org"
    with pytest.raises(ValueError):
        build_message(row_, settings.mail_from).as_bytes()
    db.rollback()


def test_queueing_the_same_key_twice_keeps_one_row(db, queued):
    assert queued("same") == queued("same")
    assert len(db.scalars(select(EmailOutbox)).all()) == 1


def test_a_claimed_row_cannot_be_claimed_again_until_its_lease_lapses(db, queued, clock):
    outbox_id = queued()
    assert claim(db, outbox_id, now=clock.now(), lease_seconds=60)
    assert not claim(db, outbox_id, now=clock.now(), lease_seconds=60)
    assert claim(db, outbox_id, now=clock.advance(seconds=61), lease_seconds=60)


def test_temporary_failure_451_is_retried_with_backoff_then_failed_after_the_last_try(
    db, queued, settings, clock, smtp
):
    outbox_id = queued()
    smtp.handler.refuse_first = 99
    settings = settings.with_overrides(smtp_url=smtp.url, mail_max_attempts=3, mail_retry_base=10)
    first = deliver(db, outbox_id, settings, now=clock.now())
    assert (first.state, first.retry_in) == ("retry", 10)
    assert row(db, outbox_id).status == "pending" and "451" in row(db, outbox_id).last_error
    assert deliver(db, outbox_id, settings, now=clock.now()).state == "skipped"  # not yet due
    second = deliver(db, outbox_id, settings, now=clock.advance(seconds=10))
    assert (second.state, second.retry_in) == ("retry", 20)
    assert deliver(db, outbox_id, settings, now=clock.advance(seconds=20)).state == "failed"
    assert row(db, outbox_id).status == "failed" and row(db, outbox_id).attempts == 3
    assert smtp.messages == []


def test_connection_refused_is_temporary(db, queued, settings, clock):
    outbox_id = queued()
    settings = settings.with_overrides(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    assert deliver(db, outbox_id, settings, now=clock.now()).state == "retry"
    assert "Connection" in row(db, outbox_id).last_error


def test_permanent_refusal_fails_at_once_and_organizers_see_it(
    db, queued, settings, clock, smtp, client, make
):
    outbox_id = queued(to="bounce@example.org")

    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 no such user"

    smtp.handler.handle_RCPT = refuse
    settings = settings.with_overrides(smtp_url=smtp.url)
    assert deliver(db, outbox_id, settings, now=clock.now()).state == "failed"
    organizer, attendee = make.person(), make.person()
    event = db.scalar(select(EmailOutbox.event_id))
    from plenary.models import Event

    make.role(organizer, db.get(Event, event), "organizer")
    url = "/api/v1/events/forum/emails?status=failed"
    listed = client.get(url, headers={"Authorization": f"Bearer {make.token(organizer)}"})
    assert listed.status_code == 200
    [failed] = listed.get_json()["emails"]
    assert failed["to"] == "bounce@example.org" and "550" in failed["last_error"]
    denied = client.get(url, headers={"Authorization": f"Bearer {make.token(attendee)}"})
    assert denied.status_code == 403
    bad = client.get("/api/v1/events/forum/emails?status=bogus",
                     headers={"Authorization": f"Bearer {make.token(organizer)}"})  # fmt: skip
    assert bad.status_code == 400


def test_without_smtp_the_email_is_an_eml_file_and_the_dev_mailbox_lists_it(
    db, queued, settings, clock, client, make, tmp_path
):
    settings = settings.with_overrides(var_dir=tmp_path)
    outbox_id = queued("confirmation:7:v1")
    assert deliver(db, outbox_id, settings, now=clock.now()).state == "sent"
    assert deliver(db, outbox_id, settings, now=clock.now()).state == "skipped"
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert [f.name for f in files] == ["confirmation_7_v1.eml"]
    assert b"Hello in text" in files[0].read_bytes()
