"""Bulk registration from CSV: checked on upload, every row validated, valid rows registered.

Accepts what spreadsheets actually produce: UTF-8 with or without a BOM (Excel's "CSV UTF-8"),
UTF-16 with a BOM ("Unicode text"), commas, semicolons (European Excel) or tabs, CRLF line
ends, quoted fields with embedded line breaks, blank trailing lines and empty trailing columns.
Each row is registered in its own transaction: a row is either fully registered or reported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session as OrmSession

from plenary.config import Settings
from plenary.errors import BadInput
from plenary.jobs.service import finish
from plenary.models import Event, Job
from plenary.registration.schema import FIELDS, REQUIRED, RegistrationInput, from_strings
from plenary.registration.service import register

MAX_BYTES = 5 * 1024 * 1024
PROGRESS_EVERY = 25


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise BadInput("the file is larger than 5 MB", field="file")
    if not data.strip():
        raise BadInput("the file is empty", field="file")
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise BadInput("the file is not UTF-8 text (save as CSV UTF-8)", field="file") from None
    if "\x00" in text:
        raise BadInput("the file is not a text CSV file", field="file")
    return text


def sniff_delimiter(text: str) -> str:
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    return max((",", ";", "\t"), key=header.count)


def read_header(text: str) -> list[str]:
    """The column names, checked: known ones, each at most once, the required ones present."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise BadInput("the file has no header row", field="file") from None
    columns = [name.strip().lower() for name in header]
    while columns and columns[-1] == "":
        columns.pop()  # Excel's empty trailing columns
    unknown = [name for name in columns if name not in FIELDS]
    if unknown:
        raise BadInput(
            f"unknown columns: {', '.join(repr(n[:40]) for n in unknown[:5])}; "
            f"expected {', '.join(FIELDS)}",
            field="file",
        )
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise BadInput(f"missing columns: {', '.join(missing)}", field="file")
    if len(set(columns)) != len(columns):
        raise BadInput("a column appears twice", field="file")
    return columns


def check_upload(data: bytes) -> None:
    """Refuses, before any job exists, a file that is too large, not text, or has wrong columns."""
    read_header(decode(data))


def rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number where the row starts, {column: cell}) for each non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    columns = read_header(text)
    next(reader)
    line = reader.line_num + 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        extra = record[len(columns) :]
        if any(cell.strip() for cell in extra):
            yield start, {"__error__": "more cells than columns"}
            continue
        yield start, dict(zip(columns, record + [""] * (len(columns) - len(record)), strict=False))


def validate_rows(text: str) -> tuple[list[tuple[int, RegistrationInput]], list[dict], int]:
    """(valid rows, one error per bad field with its line, number of rows)."""
    valid, errors, count = [], [], 0
    for line, cells in rows(text):
        count += 1
        if "__error__" in cells:
            errors.append({"line": line, "field": None, "message": cells["__error__"]})
            continue
        try:
            valid.append((line, RegistrationInput.model_validate(from_strings(cells))))
        except ValidationError as exc:
            for problem in exc.errors(include_url=False):
                field = ".".join(str(part) for part in problem["loc"]) or None
                errors.append({"line": line, "field": field, "message": problem["msg"]})
    return valid, errors, count


def run_import(db: OrmSession, job_id: int, *, now: datetime, settings: Settings) -> Job | None:
    """Validates every row, then registers the valid ones; safe to run again (idempotent)."""
    job = db.get(Job, job_id)
    if job is None or job.state in ("done", "failed") or job.payload is None:
        return job
    event = db.get(Event, job.event_id)
    valid, errors, total = validate_rows(decode(job.payload))
    invalid = total - len(valid)
    job.state, job.total, job.done, job.errors = "running", total, invalid, errors
    db.commit()
    for index, (line, data) in enumerate(valid, start=1):
        try:
            register(db, event, data, now=now)
            db.commit()
        except Exception as exc:  # a row that fails in the database is reported, not half-done
            db.rollback()
            job = db.get(Job, job_id)
            job.errors = [*job.errors, {"line": line, "field": None, "message": str(exc)[:200]}]
        if index % PROGRESS_EVERY == 0:
            job.done = index + invalid
            db.commit()
    job.done = job.total
    finish(job, now=now)
    db.commit()
    return job
