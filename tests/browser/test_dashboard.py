"""The organizers' dashboard in a real browser against a real `plenary web` node: the online
count follows presence changes without a reload, and the charts draw."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import redis

from plenary.attendance import presence
from plenary.attendance.checkins import do_check_in
from plenary.clock import system_clock
from plenary.registration.tickets import issue_ticket
from tests.browser.conftest import SCREENSHOTS

SECRET = "test-secret-key-not-for-production"
PLACES = [
    ("KR", "Gwangju"), ("KR", "Seoul"), ("KR", "Busan"), ("JP", "Osaka"), ("ID", "Jakarta"),
    ("PH", "Manila"), ("FR", "Lyon"), ("DE", "Berlin"), ("US", "Boston"), ("BR", "Recife"),
    ("KE", "Nairobi"), ("IN", "Pune"), ("MN", "Ulaanbaatar"), ("ES", "Barcelona"),
]  # fmt: skip


def online_cell(page, session_id: int):
    return page.locator(f'tr[data-session-id="{session_id}"] td[data-field="online"]')


def wait_for_text(page, locator, text: str) -> None:
    locator.page.wait_for_function(
        "([el, text]) => el.textContent.trim() === text",
        arg=[locator.element_handle(), text],
        timeout=15_000,
    )


@pytest.mark.browser
def test_dashboard_shows_the_online_count_change_live(browser, processes, db, make, fresh):
    now = system_clock.now().replace(second=0, microsecond=0)  # the web node's clock
    event = make.event(slug="forum", title="World Human Rights Cities Forum")
    plenary = make.session(
        event,
        title="Opening plenary",
        starts_at=now - timedelta(minutes=40),
        ends_at=now + timedelta(minutes=50),
        room="Kim Dae-jung Hall",
    )
    youth = make.session(
        event,
        title="Youth forum",
        kind="youth",
        room="Room 203",
        starts_at=now - timedelta(minutes=20),
        ends_at=now + timedelta(hours=1),
    )
    make.session(
        event,
        title="Closing ceremony",
        kind="closing",
        starts_at=now + timedelta(hours=3),
        ends_at=now + timedelta(hours=4),
    )
    organizer = make.person(name="Organizer")
    make.role(organizer, event, "organizer")
    link = make.link_token(organizer, event)
    rng = random.Random(6)
    people = [make.person(name=f"P{i}", country=c, city=t)
              for i, (c, t) in enumerate(rng.choice(PLACES) for _ in range(60))]  # fmt: skip

    for person in people[52:56]:  # in the hall: their QR tickets scanned at the door
        ticket = issue_ticket(SECRET, make.registration(event, person, mode="in_person"))
        do_check_in(db, event=event, ticket=ticket, session_id=plenary.id, by=organizer,
                    secret_key=SECRET, now=now)  # fmt: skip

    r = redis.Redis.from_url(fresh.settings.redis_url, decode_responses=True)
    # 35 minutes of history on the plenary, a handful on the youth forum
    for minute in range(35, 0, -1):
        at = now - timedelta(minutes=minute)
        for index in range(min(len(people), 8 + (35 - minute) * 2 - (minute < 8) * 12)):
            presence.enter(r, node_id="n1", sid=f"p{index}", person_id=people[index].id,
                           session_id=plenary.id, now=at)  # fmt: skip
    for index in range(40, 52):
        presence.enter(r, node_id="n1", sid=f"y{index}", person_id=people[index].id,
                       session_id=youth.id, now=now - timedelta(minutes=5))  # fmt: skip
    for index in range(30, 40):
        presence.leave(r, node_id="n1", sid=f"p{index}", session_id=plenary.id,
                       now=now - timedelta(minutes=3))  # fmt: skip
    before = presence.enter(r, node_id="n1", sid="p0", person_id=people[0].id,
                            session_id=plenary.id, now=now)["online"]  # fmt: skip

    node = processes.web()
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{node.url}/join/{link}")
    page.goto(f"{node.url}/organize/forum")
    wait_for_text(page, online_cell(page, plenary.id), str(before))
    wait_for_text(page, online_cell(page, youth.id), "12")
    onsite = page.locator(f'tr[data-session-id="{plenary.id}"] td[data-field="onsite"]')
    assert onsite.inner_text() == "4"

    late = make.person(name="Late", country="CL", city="Santiago")
    presence.enter(r, node_id="n2", sid="late", person_id=late.id, session_id=plenary.id,
                   now=system_clock.now())  # fmt: skip
    wait_for_text(page, online_cell(page, plenary.id), str(before + 1))
    presence.leave(r, node_id="n2", sid="late", session_id=plenary.id, now=system_clock.now())
    presence.leave(r, node_id="n1", sid="p1", session_id=plenary.id, now=system_clock.now())
    wait_for_text(page, online_cell(page, plenary.id), str(before - 1))

    assert page.locator('[data-total="countries"]').inner_text() != "–"
    page.wait_for_timeout(2500)  # one more poll so the charts hold the latest figures
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    assert errors == []
    r.close()


@pytest.mark.browser
def test_dashboard_is_for_organizers_only(processes, make, fresh):
    import requests

    event = make.event(slug="forum")
    guest, _ = make.attendee(event)
    link = make.link_token(guest, event)
    node = processes.web()
    with requests.Session() as http:
        assert http.get(f"{node.url}/organize/forum", timeout=10).status_code == 401
        http.get(f"{node.url}/join/{link}", timeout=10)
        assert http.get(f"{node.url}/organize/forum", timeout=10).status_code == 403
        assert http.get(f"{node.url}/organize/nope", timeout=10).status_code == 404


@pytest.mark.browser
def test_dashboard_follows_a_real_socket_client_joining_and_leaving(browser, processes, make):
    from tests.support.sockets import RoomClient, live_now_session

    event = make.event(slug="forum")
    session = live_now_session(make, event, title="Plenary")
    organizer = make.person(name="Organizer")
    make.role(organizer, event, "organizer")
    link = make.link_token(organizer, event)
    node = processes.web()
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{node.url}/join/{link}")
    page.goto(f"{node.url}/organize/forum")
    wait_for_text(page, online_cell(page, session.id), "0")

    _, token = make.attendee(event)
    attendee = RoomClient(node.url, token=token).connect()
    try:
        attendee.join(session.id)
        wait_for_text(page, online_cell(page, session.id), "1")
        attendee.call("session:leave", {"session_id": session.id})
        wait_for_text(page, online_cell(page, session.id), "0")
    finally:
        attendee.close()
    assert errors == []
