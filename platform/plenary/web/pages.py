"""Public pages: the list of events, an event's home with its schedule, join links."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, redirect, render_template, session, url_for

from plenary.auth import tokens
from plenary.events import schedule
from plenary.extensions import db
from plenary.identity import clock, current_person, sign_in

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def index():
    events = schedule.list_events(db.session)
    if len(events) == 1:
        return redirect(url_for("pages.event_home", slug=events[0].slug))
    return render_template("index.html", events=events, person=current_person())


@blueprint.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@blueprint.get("/e/<slug>")
def event_home(slug: str):
    event = schedule.get_event(db.session, slug)
    sessions = schedule.sessions_of(db.session, event)
    now = clock().now()
    return render_template(
        "event.html",
        event=event,
        days=schedule.sessions_by_local_day(event, sessions),
        day_titles={day.date: day.title for day in event.days},
        zone=ZoneInfo(event.timezone),
        now=now,
        live=[found for found in sessions if found.status_at(now) == "live"],
        person=current_person(),
    )


@blueprint.get("/join/<link_token>")
def join(link_token: str):
    """A personal join link: signs the browser in and opens the event."""
    link = tokens.redeem_link_token(db.session, link_token, now=clock().now())
    if link is None:
        return render_template("join_invalid.html"), 404
    sign_in(link.person)
    return redirect(url_for("pages.event_home", slug=link.event.slug))


@blueprint.post("/signout")
def signout():
    session.clear()
    return redirect(url_for("pages.index"))
