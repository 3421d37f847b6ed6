"""The event home in a real browser: the schedule by day, with what is live now."""

from __future__ import annotations

import pytest

from plenary.demo.seed import seed_demo
from tests.browser.conftest import SCREENSHOTS


@pytest.mark.browser
def test_event_home_shows_live_sessions_and_five_days(browser, processes, db):
    from plenary.clock import system_clock

    seed_demo(db, now=system_clock.now())
    db.commit()
    node = processes.web()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{node.url}/e/hr-forum")
    assert page.locator("h1").inner_text().startswith("World Human Rights Cities Forum")
    assert page.locator(".live-now .card").count() >= 3
    assert page.locator(".day").count() == 5
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "event-home.png"))
    assert errors == []
