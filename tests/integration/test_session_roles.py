"""A person's role in a session, from grants and registrations, in one SQL expression."""

from __future__ import annotations

import pytest

from plenary.auth.roles import session_role
from plenary.errors import Forbidden, NotFound
from plenary.rooms import access


@pytest.fixture
def forum(make):
    event = make.event()
    return event, make.session(event), make.session(event)


@pytest.mark.parametrize(
    ("grants", "registered", "expected"),
    [
        ([], False, None),
        ([], True, "attendee"),
        (["speaker"], False, "speaker"),
        (["speaker"], True, "speaker"),
        (["staff"], True, "staff"),
        (["speaker", "staff"], False, "staff"),
        (["moderator"], True, "moderator"),
        (["moderator", "organizer"], True, "organizer"),
    ],
)
def test_the_strongest_event_wide_role_wins(forum, make, db, grants, registered, expected):
    event, first, _ = forum
    person = make.person()
    for role in grants:
        make.role(person, event, role)
    if registered:
        make.registration(event, person)
    assert session_role(db, person.id, first) == expected
    if expected is None:
        with pytest.raises(Forbidden):
            access.room_access(db, person.id, first.id)
    else:
        assert access.room_access(db, person.id, first.id) == (first, expected)


def test_a_session_scoped_moderator_moderates_only_that_session(forum, make, db):
    event, first, second = forum
    person = make.person()
    make.registration(event, person)
    make.role(person, event, "moderator", session_id=first.id)
    assert access.room_access(db, person.id, first.id)[1] == "moderator"
    assert access.room_access(db, person.id, second.id)[1] == "attendee"


def test_a_registration_that_is_not_confirmed_does_not_let_anyone_in(forum, make, db):
    event, first, _ = forum
    for status in ("pending", "waitlisted", "cancelled", "rejected"):
        person = make.person()
        make.registration(event, person, status=status)
        assert session_role(db, person.id, first) is None


def test_a_role_in_another_event_counts_for_nothing_here(forum, make, db):
    _, first, _ = forum
    elsewhere = make.event()
    person = make.person()
    make.role(person, elsewhere, "organizer")
    make.registration(elsewhere, person)
    assert session_role(db, person.id, first) is None


def test_an_unknown_session_is_not_found(make, db):
    with pytest.raises(NotFound):
        access.room_access(db, make.person().id, 999_999)
