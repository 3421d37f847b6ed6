"""Two people chat on the room page in headless Chromium, signed in by their join links."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.support.sockets import RoomClient, live_now_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "room-chat.png"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
FAKE_STREAM = (
    "<html><body style='margin:0;height:100vh;display:grid;place-items:center;background:#111;"
    "color:#eee;font:22px sans-serif'>▶ Live stream · {lang}</body></html>"
)


def fake_streams(context) -> None:
    """The video platform is not reachable from a test: answer its URLs with a stand-in."""
    context.route(
        "https://stream.example.org/**",
        lambda route: route.fulfill(
            content_type="text/html; charset=utf-8",
            body=FAKE_STREAM.format(lang=route.request.url[-2:]),
        ),
    )


def test_two_people_chat_on_the_room_page(processes, make, chromium_path):
    node = processes.web()
    event = make.event(title="Gwangju World Human Rights Forum 2026")
    session = live_now_session(
        make, event, title="Plenary: Rights in the Age of AI", title_ko="전체회의: AI 시대의 인권",
        room="Kim Dae-jung Convention Center, Hall 1",
    )  # fmt: skip
    kim, _ = make.attendee(event, name="Kim Ji-won", city="Gwangju", country="KR")
    ana, ana_token = make.attendee(event, name="Ana Souza", city="Recife", country="BR")
    _lee, lee_token = make.attendee(event, name="Lee Min-ho", city="Seoul", country="KR")
    links = {p.id: f"{node.url}/join/{make.link_token(p, event)}" for p in (kim, ana)}
    errors: list[str] = []
    expect.set_options(timeout=20_000)  # a shared, busy CI machine: generous, still bounded

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            pages = {}
            for person in (kim, ana):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                fake_streams(context)
                page = context.new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
                page.goto(links[person.id])  # signs this browser in
                page.goto(f"{node.url}/sessions/{session.id}")
                pages[person.id] = page
            kim_page, ana_page = pages[kim.id], pages[ana.id]
            expect(kim_page.locator("#online-count")).to_have_text("2")

            kim_page.fill("#chat-body", "안녕하세요! Greetings from Gwangju.")
            kim_page.click("#chat-form button")
            expect(ana_page.locator("#chat-list li .body")).to_have_text(
                ["안녕하세요! Greetings from Gwangju."]
            )
            ana_page.fill("#chat-body", "Olá from Recife <script>alert(1)</script> {{7*7}}")
            ana_page.press("#chat-body", "Enter")
            bodies = ["안녕하세요! Greetings from Gwangju.",
                      "Olá from Recife <script>alert(1)</script> {{7*7}}"]  # fmt: skip
            expect(kim_page.locator("#chat-list li .body")).to_have_text(bodies)
            expect(ana_page.locator("#chat-list li .body")).to_have_text(bodies)
            assert kim_page.locator("#chat-list script").count() == 0

            # A message from outside the page (an API client) arrives too.
            app_client = RoomClient(node.url, token=ana_token).connect()
            try:
                app_client.send(session.id, "Joining from the mobile app as well")
            finally:
                app_client.close()
            expect(kim_page.locator("#chat-list li")).to_have_count(3)

            # The language switch changes the stream.
            kim_page.click(".lang-switch button[data-lang='en']")
            assert kim_page.locator("#stream").get_attribute("src").endswith("/en")
            kim_page.click(".lang-switch button[data-lang='ko']")
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            kim_page.screenshot(path=str(SCREENSHOT))

            # A burst (which the server may pack into `room:batch` frames) shows complete,
            # once each, in seq order.
            burst = RoomClient(node.url, token=lee_token).connect()
            try:
                for n in range(8):
                    message = {"session_id": session.id, "body": f"burst {n}", "client_id": f"b{n}"}
                    burst.sio.emit("chat:send", message)
                expect(kim_page.locator("#chat-list li")).to_have_count(11)
            finally:
                burst.close()
            seqs = kim_page.eval_on_selector_all(
                "#chat-list li", "items => items.map(li => Number(li.dataset.seq))"
            )
            assert seqs == list(range(1, 12))
        finally:
            browser.close()
    assert errors == []


def test_room_page_asks_for_the_join_link_when_signed_out(client, make):
    event = make.event()
    session = make.session(event)
    response = client.get(f"/sessions/{session.id}")
    assert response.status_code == 401
    assert "join link" in response.get_data(as_text=True)


def test_room_page_refuses_people_without_a_registration(client, make):
    event = make.event()
    session = make.session(event)
    outsider = make.person()
    client.get(f"/join/{make.link_token(outsider, event)}")
    response = client.get(f"/sessions/{session.id}")
    assert response.status_code == 403
    assert "not confirmed" in response.get_data(as_text=True)


def test_event_page_links_sessions_to_their_rooms(client, make):
    event = make.event()
    session = make.session(event)
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert f'href="/sessions/{session.id}"' in page


def test_room_page_reconnects_and_catches_up_on_what_it_missed(processes, make, chromium_path):
    node = processes.web()
    port = int(node.url.rsplit(":", 1)[1])
    event = make.event()
    session = live_now_session(make, event, streams={})
    reader, _ = make.attendee(event, name="Reader")
    _, writer_token = make.attendee(event, name="Writer")
    errors: list[str] = []
    expect.set_options(timeout=30_000)

    def say(url: str, body: str) -> None:
        writer = RoomClient(url, token=writer_token).connect()
        try:
            assert writer.send(session.id, body)["ok"]
        finally:
            writer.close()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{node.url}/join/{make.link_token(reader, event)}")
            page.goto(f"{node.url}/sessions/{session.id}")
            expect(page.locator("#online-count")).to_have_text("1")
            say(node.url, "before the outage")
            expect(page.locator("#chat-list li .body")).to_have_text(["before the outage"])

            node.kill()  # the page's node dies; the others carry on
            expect(page.locator("#chat-status")).to_have_text("Reconnecting…")
            other = processes.web()
            say(other.url, "while you were away 1")
            say(other.url, "while you were away 2")
            processes.web(port=port)  # the node comes back; the page reconnects by itself

            expect(page.locator("#chat-list li .body")).to_have_text(
                ["before the outage", "while you were away 1", "while you were away 2"]
            )
            say(other.url, "after the return")
            expect(page.locator("#chat-list li")).to_have_count(4)
        finally:
            browser.close()
    assert errors == []
