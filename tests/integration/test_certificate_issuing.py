"""Issuing certificates from attendance: only the eligible, once each, with a frozen snapshot."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from plenary.certificates.attendance_source import Attended, attended
from plenary.certificates.issuing import SERIAL_ALPHABET, issue_certificates
from plenary.certificates.rules import set_rule
from plenary.models import Certificate
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


def test_without_a_wired_attendance_source_nothing_is_issued(make, db, forum):
    event, _ = forum
    with pytest.raises(NotImplementedError):
        attended(db, event)
    with pytest.raises(NotImplementedError):
        issue_certificates(db, event, now=make.clock.now())
    db.rollback()
