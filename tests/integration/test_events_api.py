"""The events API and the event page, on a real database and Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def forum(make, clock):
    event = make.event(slug="forum", title="Forum")
    live = make.session(event, title="Live now", qa_moderated=True)
    later = make.session(
        event, title="Later", kind="youth", starts_at=clock.now() + timedelta(hours=3),
        ends_at=clock.now() + timedelta(hours=4),
    )  # fmt: skip
    return event, live, later


def test_events_are_listed(client, forum):
    body = client.get("/api/v1/events").get_json()
    assert body == {
        "events": [{"slug": "forum", "title": "Forum", "starts_on": "2026-11-27",
                    "ends_on": "2026-12-01", "timezone": "Asia/Seoul"}]
    }  # fmt: skip


def test_event_detail_has_days_tracks_and_languages(client, forum):
    body = client.get("/api/v1/events/forum").get_json()
    assert body["slug"] == "forum"
    assert body["languages"] == ["ko", "en"]
    assert body["days"] == [] and body["tracks"] == []


def test_sessions_carry_the_contract_fields_and_live_status(client, forum):
    _, live, later = forum
    sessions = client.get("/api/v1/events/forum/sessions").get_json()["sessions"]
    assert [s["id"] for s in sessions] == [live.id, later.id]
    first = sessions[0]
    for field in ("id", "title", "kind", "starts_at", "ends_at", "room", "languages", "status",
                  "chat_enabled", "qa_enabled", "qa_moderated"):  # fmt: skip
        assert field in first
    assert first["status"] == "live" and sessions[1]["status"] == "scheduled"
    assert first["starts_at"] == "2026-11-27T02:00:00Z"
    assert first["qa_moderated"] is True


def test_status_moves_with_the_injected_clock(client, forum, clock):
    clock.advance(hours=2)
    sessions = client.get("/api/v1/events/forum/sessions").get_json()["sessions"]
    assert [s["status"] for s in sessions] == ["ended", "scheduled"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/events/nope", "event"),
        ("/api/v1/events/nope/sessions", "event"),
        ("/api/v1/sessions/999999", "session_id"),
    ],
)
def test_unknown_event_or_session_is_a_404_in_the_contract_shape(client, forum, path, field):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json() == {
        "ok": False,
        "error": {"code": "not_found", "message": response.get_json()["error"]["message"],
                  "field": field},
    }  # fmt: skip


def test_unknown_api_path_and_wrong_method_answer_json(client):
    assert client.get("/api/v1/nothing-here").get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/v1/events")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_event_page_shows_the_schedule_by_day_and_what_is_live(client, forum):
    page = client.get("/e/forum")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Live now" in html and "Later" in html
    assert "Content-Security-Policy" in page.headers
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_event_page_is_404(client):
    assert client.get("/e/nope").status_code == 404


def test_titles_are_escaped_on_the_page(client, make):
    event = make.event(slug="x", title="<script>alert(1)</script>")
    html = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
