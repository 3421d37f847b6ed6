"""Seeding the demo forum. Idempotent: run it again and it updates in place.

Each run re-anchors the schedule on the current date (the pre-forum was yesterday, the
closing is in three days) and places the `live-*` sessions around the current time.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from plenary.auth.people import upsert_person
from plenary.auth.roles import grant_role
from plenary.auth.tokens import issue_api_token, issue_link_token
from plenary.demo import places
from plenary.demo.programme import DAY_TITLES, LIVE_NOW, PROGRAMME, TRACKS
from plenary.models import Event, EventDay, EventSession, Person, Registration, Track

DEMO_SLUG = "hr-forum"
TIMEZONE = "Asia/Seoul"
DEMO_DOMAIN = "demo.example.org"
STREAM_BASE = "https://stream.example.org/hr-forum"

DEMO_STAFF = (
    # (email local part, name, role, city, country)
    ("organizer", "Demo Organizer · 데모 주최자", "organizer", "Gwangju", "KR"),
    ("moderator", "Demo Moderator · 데모 진행자", "moderator", "Seoul", "KR"),
)
DEMO_ATTENDEE = ("attendee", "Ana Sofía Reyes", "Manila", "PH")


def seed_demo(db: OrmSession, *, now: datetime) -> Event:
    """Creates or re-anchors the demo forum with its staff and one demo attendee."""
    zone = ZoneInfo(TIMEZONE)
    first_day = now.astimezone(zone).date() - timedelta(days=1)
    event = db.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    if event is None:
        event = Event(slug=DEMO_SLUG, is_demo=True)
        db.add(event)
    event.title = "World Human Rights Cities Forum (demo)"
    event.title_ko = "세계인권도시포럼 (데모)"
    event.description = (
        "Five days of plenaries, special sessions, youth talks and workshops, in the hall in "
        "Gwangju and online, in Korean and English with interpretation."
    )
    event.starts_on, event.ends_on = first_day, first_day + timedelta(days=4)
    event.timezone = TIMEZONE
    event.venue = "Kim Dae-jung Convention Center, Gwangju"
    event.venue_capacity = 600
    event.languages = ["ko", "en"]
    db.flush()

    days = _upsert_days(db, event, first_day)
    tracks = _upsert_tracks(db, event)
    _upsert_programme(db, event, days, tracks, zone)
    _upsert_live_sessions(db, event, days, tracks, now)
    _seed_staff(db, event)
    db.flush()
    return event


def _upsert_days(db: OrmSession, event: Event, first_day: date) -> list[EventDay]:
    existing = sorted(event.days, key=lambda day: day.id)
    days = []
    for index, (title, title_ko) in enumerate(DAY_TITLES):
        day = existing[index] if index < len(existing) else EventDay(event=event)
        day.date, day.title, day.title_ko = first_day + timedelta(days=index), title, title_ko
        db.add(day)
        days.append(day)
    db.flush()
    return days


def _upsert_tracks(db: OrmSession, event: Event) -> dict[str, Track]:
    by_code = {track.code: track for track in event.tracks}
    for position, (code, name, name_ko) in enumerate(TRACKS):
        track = by_code.get(code) or Track(event=event, code=code)
        track.name, track.name_ko, track.position = name, name_ko, position
        db.add(track)
        by_code[code] = track
    db.flush()
    return by_code


def _session(db: OrmSession, event: Event, code: str) -> EventSession:
    found = db.scalar(
        select(EventSession).where(EventSession.event_id == event.id, EventSession.code == code)
    )
    if found is None:
        found = EventSession(event=event, code=code)
        db.add(found)
    return found


def _fill(found: EventSession, *, kind, title, title_ko, room, moderated, tracks) -> None:
    found.kind, found.title, found.title_ko, found.room = kind, title, title_ko, room
    found.qa_moderated = moderated
    found.chat_enabled = found.qa_enabled = True
    found.cancelled, found.ended_at = False, None
    found.languages = ["ko", "en"]
    found.streams = {lang: f"{STREAM_BASE}/{found.code}/{lang}" for lang in ("ko", "en")}
    found.track = tracks.get(kind) or tracks.get("thematic")


def _upsert_programme(db, event, days, tracks, zone: ZoneInfo) -> None:
    for code, day_index, start, minutes, kind, title, title_ko, room, moderated in PROGRAMME:
        found = _session(db, event, code)
        _fill(
            found, kind=kind, title=title, title_ko=title_ko, room=room, moderated=moderated,
            tracks=tracks,
        )  # fmt: skip
        day = days[day_index]
        starts = datetime.combine(day.date, time.fromisoformat(start), tzinfo=zone)
        found.day = day
        found.starts_at, found.ends_at = starts, starts + timedelta(minutes=minutes)


def _upsert_live_sessions(db, event, days, tracks, now: datetime) -> None:
    anchor = now.replace(second=0, microsecond=0)
    for code, kind, title, title_ko, room, moderated, before, after in LIVE_NOW:
        found = _session(db, event, code)
        _fill(
            found, kind=kind, title=title, title_ko=title_ko, room=room, moderated=moderated,
            tracks=tracks,
        )  # fmt: skip
        found.day = days[1]
        found.starts_at = anchor - timedelta(minutes=before)
        found.ends_at = anchor + timedelta(minutes=after)


def _seed_staff(db: OrmSession, event: Event) -> None:
    for local, name, role, city, country in DEMO_STAFF:
        person = upsert_person(
            db, f"{local}@{DEMO_DOMAIN}", name=name, city=city, country=country, language="ko"
        )
        grant_role(db, person, event.id, role)
    local, name, city, country = DEMO_ATTENDEE
    attendee = upsert_person(
        db, f"{local}@{DEMO_DOMAIN}", name=name, city=city, country=country, language="en"
    )
    _confirm(db, event, attendee, "online")


def _confirm(db: OrmSession, event: Event, person: Person, mode: str) -> Registration:
    registration = db.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.person_id == person.id
        )
    )
    if registration is None:
        registration = Registration(event_id=event.id, person=person, consent=True)
        db.add(registration)
    registration.status, registration.mode = "confirmed", mode
    return registration


def demo_sign_in_links(db: OrmSession, event: Event, public_url: str, *, now: datetime) -> dict:
    """Fresh join links for the demo organizer, moderator and attendee (role → URL)."""
    links = {}
    for local, role in (("organizer", "organizer"), ("moderator", "moderator"),
                        ("attendee", "attendee")):  # fmt: skip
        person = db.scalar(select(Person).where(Person.email == f"{local}@{DEMO_DOMAIN}"))
        if person is not None:
            links[role] = f"{public_url}/join/{issue_link_token(db, person, event, now=now)}"
    return links


def seed_participants(db: OrmSession, event: Event, count: int, *, seed: int = 2026) -> int:
    """`count` demo participants with confirmed registrations; returns how many were new.

    Deterministic: participant N is always the same person, so a second call adds nothing.
    """
    rng = random.Random(seed)
    countries = list(places.CITIES)
    weights = [places.WEIGHTS[code] for code in countries]
    existing = set(
        db.scalars(select(Person.email).where(Person.email.like(f"participant%@{DEMO_DOMAIN}")))
    )
    created = 0
    for number in range(1, count + 1):
        country = rng.choices(countries, weights)[0]
        city = rng.choice(places.CITIES[country])
        name = places.full_name(country, rng)
        organization = rng.choice(places.ORGANIZATIONS)
        in_person = country == "KR" and rng.random() < 0.4
        email = f"participant{number:05d}@{DEMO_DOMAIN}"
        if email in existing:
            continue
        person = Person(
            email=email, name=name, city=city, country=country, organization=organization,
            language="ko" if country == "KR" else "en",
        )  # fmt: skip
        db.add(person)
        db.add(
            Registration(
                event_id=event.id, person=person, status="confirmed", consent=True,
                mode="in_person" if in_person else "online",
            )
        )  # fmt: skip
        created += 1
        if created % 500 == 0:
            db.flush()
    db.flush()
    return created


def demo_tokens(db: OrmSession, event: Event, count: int, *, now: datetime) -> list[str]:
    """API tokens for the first `count` demo participants (created if missing)."""
    seed_participants(db, event, count)
    people = db.scalars(
        select(Person)
        .where(Person.email.like(f"participant%@{DEMO_DOMAIN}"))
        .order_by(Person.email)
        .limit(count)
    )
    return [issue_api_token(db, person, "demo-tokens", now=now) for person in people]
