"""Certificate runs end to end: organizer POST → job → real worker renders and emails each
certificate through the outbox → real SMTP server. Eligibility from recorded attendance,
idempotent re-runs, a worker SIGKILLed mid-batch, and who may start or watch a run."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from plenary.models import AttendanceRecord, Certificate, EmailOutbox, Job
from tests.support.certificates import programme
from tests.support.smtp import SmtpServer, wait_until

FAST = {"MAIL_RETRY_BASE": "0.3", "MAIL_LEASE_SECONDS": "3", "RELAY_INTERVAL": "1",
        "RELAY_STALE_SECONDS": "2", "SMTP_TIMEOUT": "5"}  # fmt: skip


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def forum(make, db):
    """Sessions of 120, 90 and 60 minutes; the rule: 150 minutes, one session."""
    event = make.event(slug="forum", title="Human Rights Cities Forum")
    sessions = programme(make, event)
    organizer = make.person(name="Organizer")
    make.role(organizer, event, "organizer")
    return event, sessions, make.token(organizer)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def attend(make, db, sessions, minutes: list[int], **person) -> object:
    somebody = make.person(**person)
    for session, spent in zip(sessions, minutes, strict=False):
        db.add(AttendanceRecord(session_id=session.id, person_id=somebody.id,
                                minutes_online=spent))  # fmt: skip
    db.commit()
    return somebody


def set_rule(client, token: str) -> None:
    body = {"threshold_minutes": 150, "min_sessions": 1}
    assert client.put("/api/v1/events/forum/certificate-rule", json=body,
                      headers=bearer(token)).status_code == 200  # fmt: skip


def start(client, token: str) -> int:
    response = client.post("/api/v1/events/forum/certificates", headers=bearer(token))
    assert response.status_code == 202, response.get_json()
    return response.get_json()["job_id"]


def job(client, token: str, job_id: int) -> dict:
    return client.get(f"/api/v1/jobs/{job_id}", headers=bearer(token)).get_json()


def count(db, model, *where) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model).where(*where))


def all_sent(db) -> bool:
    return count(db, EmailOutbox) == count(db, EmailOutbox, EmailOutbox.status == "sent")


def pdf_of(message) -> tuple[str, str]:
    (part,) = [p for p in message.iter_attachments()]
    assert part.get_content_type() == "application/pdf"
    return part.get_filename(), PdfReader(io.BytesIO(part.get_content())).pages[0].extract_text()


def test_a_run_emails_each_eligible_person_once_and_runs_again_reach_only_the_newly_eligible(
    app, client, make, db, forum, processes, smtp
):
    _, (s1, s2, s3), token = forum
    set_rule(client, token)
    at = attend(make, db, [s1, s2], [100, 50], name="Zoë <At> {{ 150 }}", email="at@example.org")
    attend(make, db, [s1, s2], [100, 49], name="Below", email="below@example.org")
    ko = attend(make, db, [s1, s3], [120, 60], name="김민지", email="ko@example.org", language="ko")
    processes.worker(env={"SMTP_URL": smtp.url, **FAST})

    first = start(client, token)
    wait_until(lambda: job(client, token, first)["state"] == "done", 90, "the first run")
    assert job(client, token, first) | {"id": 0} == {
        "id": 0, "kind": "certificates", "state": "done", "done": 2, "total": 2, "errors": [],
    }  # fmt: skip
    wait_until(lambda: len(smtp.messages) >= 2 and all_sent(db), 60, "two emails")
    serials = {c.person_id: c.serial for c in db.scalars(select(Certificate))}
    assert set(serials) == {at.id, ko.id}  # 149 minutes: no certificate
    (to_at,) = smtp.to("at@example.org")
    assert to_at["Subject"] == "Your certificate of attendance — Human Rights Cities Forum"
    filename, text = pdf_of(to_at)
    assert filename == f"certificate-{serials[at.id]}.pdf"
    assert "Zoë <At> {{ 150 }}" in text and serials[at.id] in text
    html = to_at.get_body(("html",)).get_content()
    assert "Zoë &lt;At&gt; {{ 150 }}" in html and "<At>" not in html
    assert f"/certificates/{serials[at.id]}" in to_at.get_body(("plain",)).get_content()
    (to_ko,) = smtp.to("ko@example.org")
    assert to_ko["Subject"].startswith("참가 확인서")
    assert "김민지" in pdf_of(to_ko)[1]

    # Nobody new: the run finishes at 0 of 0 and sends nothing.
    again = start(client, token)
    wait_until(lambda: job(client, token, again)["state"] == "done", 60, "the second run")
    assert (job(client, token, again)["done"], job(client, token, again)["total"]) == (0, 0)
    # One more minute makes "Below" eligible: only they are issued and emailed.
    below_id = db.scalar(select(AttendanceRecord.person_id).where(
        AttendanceRecord.minutes_online == 49))  # fmt: skip
    db.add(AttendanceRecord(session_id=s3.id, person_id=below_id, minutes_online=1))
    db.commit()
    third = start(client, token)
    wait_until(lambda: job(client, token, third)["state"] == "done", 60, "the third run")
    assert (job(client, token, third)["done"], job(client, token, third)["total"]) == (1, 1)
    wait_until(lambda: len(smtp.messages) >= 3 and all_sent(db), 60, "the third email")
    assert count(db, EmailOutbox) == 3 and len(smtp.to("below@example.org")) == 1
    assert set(smtp.message_id_counts().values()) == {1} and len(smtp.messages) == 3


def test_a_worker_killed_mid_batch_resumes_and_everyone_gets_exactly_one_email(
    app, client, make, db, forum, processes, smtp
):
    _, (s1, s2, _), token = forum
    set_rule(client, token)
    people = [
        attend(make, db, [s1, s2], [120, 30], name=f"Ana Ruiz {n}", email=f"k{n}@example.org")
        for n in range(60)
    ]
    env = {"SMTP_URL": smtp.url, **FAST}
    worker = processes.worker(env=env)
    job_id = start(client, token)

    def done() -> int:
        db.rollback()
        return db.get(Job, job_id).done if db.get(Job, job_id) else 0

    wait_until(lambda: done() >= 3, 90, "the first certificates")
    worker.kill()  # SIGKILL to the whole process group, in the middle of a batch
    at_kill = done()
    assert 0 < at_kill < 60, at_kill
    assert count(db, EmailOutbox) == at_kill  # each counted certificate queued its email

    processes.worker(env=env)
    processes.start("beat", ["beat"], env)  # the relays re-drive the run and the lost sends
    wait_until(lambda: job(client, token, job_id)["state"] == "done", 120, "the resumed run")
    assert job(client, token, job_id)["done"] == 60
    wait_until(lambda: len(smtp.messages) >= 60 and all_sent(db), 120, "60 emails")
    counts = smtp.message_id_counts()
    assert len(counts) == 60 and set(counts.values()) == {1}, counts
    serials = {c.person_id: c.serial for c in db.scalars(select(Certificate))}
    for person in people:
        (message,) = smtp.to(person.email)
        _, text = pdf_of(message)
        assert person.name in text and serials[person.id] in text


def test_only_organizers_start_a_run_and_only_its_starter_watches_it(client, make, db, forum):
    event, _, token = forum
    assert client.post("/api/v1/events/forum/certificates").status_code == 401
    _, attendee_token = make.attendee(event)
    refused = client.post("/api/v1/events/forum/certificates", headers=bearer(attendee_token))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert client.post("/api/v1/events/nope/certificates", headers=bearer(token)).status_code == 404
    assert count(db, Job) == 0  # nothing started by a refused request
    job_id = start(client, token)
    assert job(client, token, job_id)["state"] == "queued"
    other = make.person()
    make.role(other, event, "organizer")
    seen = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(make.token(other)))
    assert seen.status_code == 404


def test_the_organizer_page_has_the_run_button_and_progress_bar(client, forum):
    _, _, token = forum
    page = client.get("/organize/forum/certificates", headers=bearer(token))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="certificate-run-start"' in text
    assert "<progress" in text and 'data-url="/api/v1/events/forum/certificates"' in text
    assert "js/certificate-run.js" in text and "<script>" not in text


def test_a_certificate_email_is_queued_once_and_never_sent_without_its_pdf(
    make, db, forum, settings
):
    from dataclasses import replace

    from plenary.certificates.delivery import email_certificate
    from plenary.mail.delivery import deliver
    from plenary.models import CertificateFile
    from tests.support.certificates import certify

    event, sessions, _ = forum
    certificate = certify(make, event, make.person(name="Ana"), sessions)
    now = make.clock.now()
    assert email_certificate(db, certificate, settings=settings, now=now) is True
    assert email_certificate(db, certificate, settings=settings, now=now) is False
    db.commit()
    (row,) = db.scalars(select(EmailOutbox)).all()
    assert row.attachments == [{"kind": "certificate", "certificate_id": certificate.id,
                                "filename": f"certificate-{certificate.serial}.pdf"}]  # fmt: skip
    db.delete(db.get(CertificateFile, certificate.id))
    db.commit()
    local = replace(settings, smtp_url=None)  # .eml files under var/outbox/
    local.outbox_dir.mkdir(parents=True, exist_ok=True)
    before = {(p.name, p.stat().st_mtime_ns) for p in local.outbox_dir.iterdir()}
    assert deliver(db, row.id, local, now=now).state == "failed"
    db.expire_all()
    assert db.get(EmailOutbox, row.id).status == "failed"
    assert {(p.name, p.stat().st_mtime_ns) for p in local.outbox_dir.iterdir()} == before
