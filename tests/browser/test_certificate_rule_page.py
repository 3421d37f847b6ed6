"""The organizers' certificate page in a real browser: the rule form and the run's progress bar."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plenary.models import AttendanceRecord, Certificate, CertificateRule
from tests.browser.conftest import CHROMIUM_ARGS
from tests.support.certificates import programme


@pytest.mark.browser
def test_an_organizer_sets_the_rule_from_the_page(chromium_path, processes, make, db):
    from playwright.sync_api import expect, sync_playwright

    event = make.event()
    programme(make, event)  # 120 + 90 + 60 minutes
    organizer = make.person(name="Org")
    make.role(organizer, event, "organizer")
    link = make.link_token(organizer, event)
    event_id, slug = event.id, event.slug
    node = processes.web()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{node.url}/join/{link}")  # signs the browser in
        page.goto(f"{node.url}/organize/{slug}/certificates")
        assert page.locator("input[name=threshold_minutes]").input_value() == "240"
        status = page.locator("#certificate-rule-status")

        page.fill("input[name=threshold_minutes]", "500")
        page.click("#certificate-rule button[type=submit]")
        expect(status).to_contain_text("the whole programme lasts 270 minutes")
        db.expire_all()
        assert db.get(CertificateRule, event_id) is None

        page.fill("input[name=threshold_minutes]", "180")
        page.fill("input[name=min_sessions]", "1")
        page.click("#certificate-rule button[type=submit]")
        expect(status).to_have_text("Saved.")
        browser.close()
    db.expire_all()
    stored = db.get(CertificateRule, event_id)
    assert (stored.threshold_minutes, stored.min_sessions, stored.updated_by_id) == (
        180,
        1,
        organizer.id,
    )
    assert errors == []


@pytest.mark.browser
def test_an_organizer_starts_a_run_and_watches_the_progress_bar_fill(
    chromium_path, processes, make, db
):
    from playwright.sync_api import expect, sync_playwright

    event = make.event()
    sessions = programme(make, event)  # 120 + 90 + 60 minutes: everyone onsite is eligible
    for number in range(6):
        person = make.person(name=f"Attendee {number}")
        db.add_all(
            AttendanceRecord(session_id=s.id, person_id=person.id, onsite=True) for s in sessions
        )
    db.commit()
    organizer = make.person(name="Org")
    make.role(organizer, event, "organizer")
    link, slug = make.link_token(organizer, event), event.slug
    node = processes.web()
    processes.worker()  # no SMTP_URL: emails go to var/outbox/ as .eml files
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{node.url}/join/{link}")
        page.goto(f"{node.url}/organize/{slug}/certificates")
        page.click("#certificate-run-start")
        status = page.locator("#certificate-run-status")
        expect(status).to_have_text("Done: 6 of 6 certificates emailed.", timeout=60_000)
        bar = page.locator("#certificate-run-progress")
        assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("6", "6")
        page.click("#certificate-run-start")  # again: nobody new
        expect(status).to_have_text("Done: nobody new to certify.", timeout=30_000)
        browser.close()
    assert errors == []
    assert db.scalar(select(func.count()).select_from(Certificate)) == 6
