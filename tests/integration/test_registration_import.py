"""CSV imports by organizers: Excel's quirks accepted, bad files refused, bad rows reported."""

from __future__ import annotations

import io
import os

from sqlalchemy import func, select

from plenary.clock import system_clock
from plenary.models import Job, Person, Registration
from plenary.registration.csv_import import run_import

EXCEL = (
    "\ufeffname;email;city;country;mode;organization;consent;;\r\n"
    '"Park, Min-su";min@example.org;Seoul;kr;online;"NGO ""Hope""";yes;;\r\n'
    '"Ana\r\nMaria";ana@example.org;Lisbon;PT;in_person;;1;;\r\n'
    "Bad Email;not-an-email;Paris;FR;online;;yes;;\r\n"
    ";;;;;;;;\r\n"
    "No Consent;nc@example.org;Berlin;DE;online;;no;;\r\n"
    "Bad Country;bc@example.org;Nowhere;XX;by_boat;;yes;;\r\n"
    "Park Again;MIN@example.org;Seoul;KR;online;;yes;;\r\n"
)


def upload(client, token, data: bytes, slug="forum"):
    return client.post(f"/api/v1/events/{slug}/registrations/import",
                       data={"file": (io.BytesIO(data), "people.csv")},
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip


def organizer(make, event):
    person = make.person()
    make.role(person, event, "organizer")
    return person, make.token(person)


def counts(db):
    db.rollback()
    return (db.scalar(select(func.count()).select_from(Registration)),
            db.scalar(select(func.count()).select_from(Job)))  # fmt: skip


def test_excel_csv_registers_valid_rows_and_reports_each_bad_one(client, make, db, settings):
    event = make.event(slug="forum")
    person, token = organizer(make, event)
    answer = upload(client, token, EXCEL.encode("utf-8"))
    assert answer.status_code == 202
    job_id = answer.get_json()["job_id"]
    run_import(db, job_id, now=system_clock.now(), settings=settings)
    job = client.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"})
    report = job.get_json()
    assert report["state"] == "done" and report["done"] == report["total"] == 6
    errors = {(e["line"], e["field"]) for e in report["errors"]}
    # Line numbers count physical lines: Ana's quoted name spans lines 3 and 4, and a line
    # break in a name is refused (it could end up in an email header).
    assert errors == {(3, "name"), (5, "email"), (7, "consent"), (8, "country"), (8, "mode")}
    db.rollback()
    people = {p.email: p for p in db.scalars(select(Person).where(Person.id != person.id))}
    assert set(people) == {"min@example.org"}
    assert people["min@example.org"].organization == 'NGO "Hope"'
    assert people["min@example.org"].name == "Park, Min-su"
    assert db.scalar(select(func.count()).select_from(Registration)) == 1
    # Running the task again changes nothing.
    run_import(db, job_id, now=system_clock.now(), settings=settings)
    assert db.scalar(select(func.count()).select_from(Registration)) == 1


def test_utf8_without_bom_and_commas_are_read(client, make, db, settings):
    event = make.event(slug="forum")
    _, token = organizer(make, event)
    data = "email,name,city,country,mode,consent\nkim@example.org,김지원,광주,KR,online,true\n"
    job_id = upload(client, token, data.encode()).get_json()["job_id"]
    run_import(db, job_id, now=system_clock.now(), settings=settings)
    db.rollback()
    assert db.scalar(select(Person.name).where(Person.email == "kim@example.org")) == "김지원"


def test_wrong_columns_garbage_and_oversized_files_are_refused_and_nothing_is_stored(
    client, make, db
):
    event = make.event(slug="forum")
    _, token = organizer(make, event)
    cases = {
        b"naam,email,stad\nx,y,z\n": "unknown columns",
        b"name,email,city\nx,y,z\n": "missing columns",
        os.urandom(5 * 1024 * 1024): "UTF-8",
        b"name,email," + b"x" * (5 * 1024 * 1024): "larger than 5 MB",
        b"": "empty",
    }
    for data, message in cases.items():
        answer = upload(client, token, data)
        assert answer.status_code == 400, message
        assert message in answer.get_json()["error"]["message"]
    assert counts(db) == (0, 0)


def test_only_organizers_import_and_only_the_starter_reads_the_job(client, make, db, settings):
    event = make.event(slug="forum")
    _, token = organizer(make, event)
    _, other_token = organizer(make, event)
    attendee_token = make.token(make.person())
    denied = upload(client, attendee_token, EXCEL.encode())
    assert denied.status_code == 403 and counts(db) == (0, 0)
    assert upload(client, None, EXCEL.encode()).status_code == 401
    job_id = upload(client, token, EXCEL.encode()).get_json()["job_id"]
    for someone in (other_token, attendee_token):
        response = client.get(f"/api/v1/jobs/{job_id}",
                              headers={"Authorization": f"Bearer {someone}"})  # fmt: skip
        assert response.status_code == 404
    mine = client.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"})
    assert mine.get_json()["state"] == "queued"
