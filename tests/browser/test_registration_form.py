"""A person registers through the form in Chromium and signs in with the emailed join link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.smtp import SmtpServer

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "registration-form.png"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def test_register_through_the_form_and_open_the_join_link_from_the_email(
    processes, make, chromium_path, smtp
):
    from playwright.sync_api import sync_playwright

    make.event(
        slug="forum",
        title="World Human Rights Cities Forum 2026",
        title_ko="2026 세계인권도시포럼",
        venue="Kim Dae-jung Convention Center",
    )
    web = processes.web()
    processes.worker(env={"SMTP_URL": smtp.url, "PUBLIC_URL": web.url})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
        page = browser.new_page(viewport={"width": 900, "height": 1300})
        page.goto(f"{web.url}/e/forum")
        page.click("text=Register")
        page.fill("#name", "Kim Ji-won")
        page.fill("#email", "not-an-email")
        page.fill("#city", "Gwangju")
        page.fill("#country", "XX")
        page.check("input[value=in_person]")
        page.click("button[type=submit]")
        assert page.locator("#email-error").is_visible()
        assert page.locator("#country-error").is_visible()
        assert page.locator("#consent-error").is_visible()
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        page.fill("#email", "jiwon@example.org")
        page.fill("#country", "kr")
        page.check("input[name=consent]")
        page.click("button[type=submit]")
        page.wait_for_selector("text=check your inbox")

        [message] = smtp.wait_for(1)
        text = message.get_body(("plain",)).get_content()
        join_url = re.search(r"http://\S+/join/\S+", text).group(0)
        assert join_url.startswith(web.url)
        page.goto(join_url)
        assert page.url.endswith("/e/forum")
        assert page.locator(".who").inner_text() == "Kim Ji-won"
        browser.close()
