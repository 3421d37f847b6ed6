"""Issuing certificates from attendance: only the eligible, once each, with a frozen snapshot."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from plenary.certificates.attendance_source import Attended, attended
from plenary.certificates.issuing import SERIAL_ALPHABET, issue_certificates
from plenary.certificates.rules import set_rule
from plenary.models import AttendanceRecord, Certificate, Checkin
from tests.support.certificates import issue, programme


@pytest.fixture
def forum(make, db):
    event = make.event()
    sessions = programme(make, event)
    set_rule(
        db, event, threshold_minutes=150, min_sessions=2, by_person_id=None, now=make.clock.now()
    )
    db.commit()
    return event, sessions


def test_issues_only_to_the_eligible_with_what_they_attended(make, db, forum):
    event, (s1, s2, s3) = forum
    ana, bo = make.person(name="Ana Ruiz"), make.person(name="Bo")
    rows = [
        Attended(ana.id, s1.id, onsite=True),
        Attended(ana.id, s3.id, minutes_online=30),
        Attended(bo.id, s1.id, minutes_online=100),
        Attended(bo.id, s2.id, minutes_online=49),  # 149 minutes: one short
    ]
    issued = issue(make, event, rows)
    assert [c.person_id for c in issued] == [ana.id]
    certificate = issued[0]
    assert certificate.name == "Ana Ruiz"
    assert certificate.total_minutes == 150
    assert [(s["session_id"], s["minutes"]) for s in certificate.sessions] == [
        (s1.id, 120),
        (s3.id, 30),
    ]
    assert certificate.issued_at == make.clock.now() and certificate.revoked_at is None


def test_running_again_issues_only_to_the_newly_eligible(make, db, forum):
    event, (s1, s2, _) = forum
    ana, bo = make.person(), make.person()
    rows = [Attended(ana.id, s1.id, onsite=True), Attended(ana.id, s2.id, onsite=True)]
    first = issue(make, event, rows)
    assert issue(make, event, rows) == []
    rows += [Attended(bo.id, s1.id, onsite=True), Attended(bo.id, s2.id, minutes_online=30)]
    make.clock.advance(hours=1)
    second = issue(make, event, rows)
    assert [c.person_id for c in second] == [bo.id]
    total = db.scalar(select(func.count()).select_from(Certificate))
    assert total == 2
    assert db.get(Certificate, first[0].id).serial == first[0].serial  # untouched


def test_a_revoked_certificate_is_not_issued_again(make, db, forum):
    event, (s1, s2, _) = forum
    ana = make.person()
    rows = [Attended(ana.id, s1.id, onsite=True), Attended(ana.id, s2.id, onsite=True)]
    (certificate,) = issue(make, event, rows)
    certificate.revoked_at = make.clock.now()
    db.commit()
    assert issue(make, event, rows) == []


def test_the_snapshot_does_not_follow_later_renames(make, db, forum):
    event, (s1, s2, _) = forum
    ana = make.person(name="Ana")
    (certificate,) = issue(make, event, [Attended(ana.id, s.id, onsite=True) for s in (s1, s2)])
    ana.name, s1.title = "Someone Else", "Renamed"
    db.commit()
    db.refresh(certificate)
    assert certificate.name == "Ana" and certificate.sessions[0]["title"] != "Renamed"


def test_serials_are_random_url_safe_and_long_enough(make, db, forum):
    event, (s1, s2, _) = forum
    people = [make.person() for _ in range(20)]
    rows = [Attended(p.id, s.id, onsite=True) for p in people for s in (s1, s2)]
    serials = [c.serial for c in issue(make, event, rows)]
    assert len(set(serials)) == 20
    pattern = re.compile(rf"^[{SERIAL_ALPHABET}]{{5}}(-[{SERIAL_ALPHABET}]{{5}}){{3}}$")
    assert all(pattern.match(s) for s in serials)
    bits = 20 * (len(SERIAL_ALPHABET).bit_length() - 1)
    assert bits >= 64


def record(db, person, session, minutes=0, onsite=False) -> None:
    db.add(AttendanceRecord(session_id=session.id, person_id=person.id,
                            minutes_online=minutes, onsite=onsite))  # fmt: skip


def test_eligibility_from_recorded_attendance_one_minute_below_and_at_the_threshold(
    make, db, forum
):
    event, (s1, s2, _) = forum
    below, at = make.person(name="Below"), make.person(name="At")
    record(db, below, s1, 100)
    record(db, below, s2, 49)  # 149 minutes
    record(db, at, s1, 100)
    record(db, at, s2, 50)  # 150 minutes
    db.commit()
    issued = issue_certificates(db, event, now=make.clock.now())
    db.commit()
    assert [c.person_id for c in issued] == [at.id]
    assert issued[0].total_minutes == 150


def test_a_session_checkin_counts_the_whole_session_and_a_door_checkin_counts_nothing(
    make, db, forum
):
    event, (s1, _, s3) = forum
    onsite, door = make.person(), make.person()
    reg_onsite, reg_door = make.registration(event, onsite), make.registration(event, door)
    now = make.clock.now()
    # Checked in at sessions 1 (120 min) and 3 (60 min): 180 minutes, two sessions.
    for session in (s1, s3):
        db.add(Checkin(key=f"{reg_onsite.id}:{session.id}", event_id=event.id,
                       registration_id=reg_onsite.id, person_id=onsite.id,
                       session_id=session.id, checked_in_at=now))  # fmt: skip
    # Scanned at the venue's door only, and 30 minutes online: not 270 minutes.
    db.add(Checkin(key=f"{reg_door.id}:event", event_id=event.id, registration_id=reg_door.id,
                   person_id=door.id, session_id=None, checked_in_at=now))  # fmt: skip
    record(db, door, s1, 30)
    record(db, onsite, s1, 10, onsite=True)  # the record and the check-in count once
    db.commit()
    rows = attended(db, event)
    assert {(r.person_id, r.session_id) for r in rows if r.onsite} == {
        (onsite.id, s1.id),
        (onsite.id, s3.id),
    }
    issued = issue_certificates(db, event, now=now)
    db.commit()
    assert [(c.person_id, c.total_minutes) for c in issued] == [(onsite.id, 180)]


def test_attendance_of_another_event_credits_nothing(make, db, forum):
    event, _ = forum
    other = make.event()
    (elsewhere,) = programme(make, other, lengths=(600,))
    person = make.person()
    record(db, person, elsewhere, 600)
    db.commit()
    assert attended(db, event) == []
    assert issue_certificates(db, event, now=make.clock.now()) == []
    db.rollback()
