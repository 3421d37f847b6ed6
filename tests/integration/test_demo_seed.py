"""The demo forum: idempotent, placed around now, with staff and participants."""

from __future__ import annotations

from sqlalchemy import func, select

from plenary.auth.roles import event_roles
from plenary.demo.seed import demo_sign_in_links, demo_tokens, seed_demo, seed_participants
from plenary.models import Event, EventSession, Person, Registration


def test_demo_forum_has_five_days_about_fifty_sessions_and_something_live(db, clock):
    event = seed_demo(db, now=clock.now())
    db.commit()
    sessions = db.scalars(select(EventSession).where(EventSession.event_id == event.id)).all()
    assert len(event.days) == 5
    assert 40 <= len(sessions) <= 55
    kinds = {s.kind for s in sessions}
    assert kinds == {"opening", "plenary", "special", "thematic", "workshop", "youth",
                     "pre_forum", "closing"}  # fmt: skip
    live = [s for s in sessions if s.status_at(clock.now()) == "live"]
    assert len(live) >= 3
    assert any(s.qa_moderated for s in live) and any(not s.qa_moderated for s in live)
    assert all(s.chat_enabled for s in live)
    assert all(set(s.streams) == {"ko", "en"} for s in sessions)


def test_seeding_twice_updates_in_place_and_reanchors_on_the_new_day(db, clock):
    seed_demo(db, now=clock.now())
    db.commit()
    clock.advance(days=3, hours=5)
    event = seed_demo(db, now=clock.now())
    db.commit()
    assert db.scalar(select(func.count()).select_from(Event)) == 1
    count = db.scalar(select(func.count()).where(EventSession.event_id == event.id))
    assert 40 <= count <= 55
    live = db.scalars(select(EventSession).where(EventSession.event_id == event.id)).all()
    assert sum(s.status_at(clock.now()) == "live" for s in live) >= 3
    assert event.starts_on == (clock.now().date() - __import__("datetime").timedelta(days=1))


def test_demo_staff_hold_their_roles_and_get_sign_in_links(db, clock):
    event = seed_demo(db, now=clock.now())
    links = demo_sign_in_links(db, event, "http://127.0.0.1:5000", now=clock.now())
    db.commit()
    assert set(links) == {"organizer", "moderator", "attendee"}
    assert all(url.startswith("http://127.0.0.1:5000/join/") for url in links.values())
    organizer = db.scalar(select(Person).where(Person.email.like("organizer@%")))
    assert event_roles(db, organizer.id, event.id) == {"organizer"}


def test_participants_come_from_many_countries_and_are_added_once(db, clock):
    event = seed_demo(db, now=clock.now())
    assert seed_participants(db, event, 600) == 600
    assert seed_participants(db, event, 600) == 0
    db.commit()
    countries = db.scalar(select(func.count(func.distinct(Person.country))))
    cities = db.scalar(select(func.count(func.distinct(Person.city))))
    assert countries >= 40 and cities >= 150
    confirmed = db.scalar(
        select(func.count()).where(Registration.event_id == event.id,
                                   Registration.status == "confirmed")
    )  # fmt: skip
    assert confirmed == 601  # 600 participants and the demo attendee


def test_demo_tokens_authenticate_confirmed_participants(db, clock, client):
    event = seed_demo(db, now=clock.now())
    tokens = demo_tokens(db, event, 5, now=clock.now())
    db.commit()
    assert len(set(tokens)) == 5
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens[0]}"}).get_json()
    assert me["user"]["email"].startswith("participant")
