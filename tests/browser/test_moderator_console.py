"""An attendee asks, the moderator approves in the console, others see it and upvote it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.test_room_chat import CHROMIUM_ARGS, fake_streams
from tests.support.sockets import live_now_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "moderator-console.png"


def test_ask_approve_see_and_upvote_across_three_browsers(processes, make, chromium_path):
    node = processes.web()
    event = make.event(title="Gwangju World Human Rights Forum 2026")
    session = live_now_session(make, event, title="Plenary: Rights in the Age of AI",
                               qa_moderated=True)  # fmt: skip
    kim, _ = make.attendee(event, name="Kim Ji-won")
    ana, _ = make.attendee(event, name="Ana Souza", city="Recife", country="BR")
    mod = make.person(name="Moderator Lee")
    make.role(mod, event, "moderator")
    errors: list[str] = []
    expect.set_options(timeout=20_000)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            pages = {}
            for person, path in ((mod, "moderate"), (kim, ""), (ana, "")):
                context = browser.new_context(viewport={"width": 1280, "height": 860})
                fake_streams(context)
                page = context.new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(f"{node.url}/join/{make.link_token(person, event)}")
                page.goto(f"{node.url}/sessions/{session.id}" + (f"/{path}" if path else ""))
                pages[person.id] = page
            console, kim_page, ana_page = pages[mod.id], pages[kim.id], pages[ana.id]
            expect(console.locator("#console-status")).to_have_text("")

            kim_page.fill("#qa-body", "Will the AI declaration be translated into Korean?")
            kim_page.check("#qa-anonymous")
            kim_page.click("#qa-form button[type=submit]")
            expect(kim_page.locator("#qa-status")).to_contain_text("once a moderator approves")

            pending = console.locator("#queue li.pending")
            expect(pending).to_have_count(1)
            expect(pending).to_contain_text("Anonymous")
            expect(console.locator("#count-pending")).to_have_text("1")
            expect(ana_page.locator("#qa-list li")).to_have_count(0)

            console.locator("body").press("a")  # the keyboard shortcut approves the current one
            expect(console.locator("#count-pending")).to_have_text("0")
            expect(console.locator("#count-visible")).to_have_text("1")

            for page in (kim_page, ana_page):
                expect(page.locator("#qa-list li")).to_have_count(1)
                expect(page.locator("#qa-list li")).to_contain_text("translated into Korean")
            ana_page.click("#qa-list li .vote")
            expect(ana_page.locator("#qa-list li .vote")).to_have_text("▲ 1")
            expect(kim_page.locator("#qa-list li .vote")).to_have_text("▲ 1")
            expect(console.locator("#queue li.visible")).to_contain_text("▲ 1")

            # A fuller console for the screenshot: more questions, a chat line, a poll.
            for body in ("Which sessions will have sign-language interpretation?",
                         "How can civil society groups join the working groups?"):  # fmt: skip
                kim_page.fill("#qa-body", body)
                kim_page.click("#qa-form button[type=submit]")
                expect(kim_page.locator("#qa-body")).to_have_value("")
            expect(console.locator("#count-pending")).to_have_text("2")
            console.fill("#poll-prompt", "Which topic should the closing panel take up?")
            console.fill("#poll-options", "Surveillance\nAlgorithmic bias\nDigital access")
            console.click("#poll-form button[type=submit]")
            console.locator("#polls button", has_text="Open").click()
            expect(console.locator("#polls")).to_contain_text("open")
            expect(ana_page.locator("#polls .poll")).to_have_count(1)
            ana_page.locator("#polls .option", has_text="Algorithmic bias").locator("input").check()
            ana_page.locator("#polls button", has_text="Vote").click()
            expect(console.locator("#polls")).to_contain_text("1 voted")
            expect(kim_page.locator("#polls .option", has_text="Algorithmic bias")).to_contain_text(
                "100% (1)"
            )
            kim_page.fill("#chat-body", "The interpretation channel is very clear, thank you!")
            kim_page.press("#chat-body", "Enter")
            expect(console.locator("#chat-list li")).to_have_count(1)
            expect(console.locator("#chat-list li button", has_text="Mute")).to_have_count(1)
            console.locator("body").press("k")
            expect(console.locator("#queue li.current")).to_have_count(1)
            console.screenshot(path=str(SCREENSHOT), full_page=True)
            ana_page.screenshot(path=str(SCREENSHOT.with_name("room-qa.png")), full_page=True)
        finally:
            browser.close()
    assert errors == []
