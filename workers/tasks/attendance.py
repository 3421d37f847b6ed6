"""The attendance flush: Redis → SQL every 30 seconds (beat), safe to run twice at once."""

from __future__ import annotations

from plenary.attendance.flush import flush_attendance
from plenary.clock import system_clock
from plenary.extensions import db, redis_store
from workers.app import celery_app


@celery_app.task(name="plenary.attendance.flush", ignore_result=False)
def flush() -> dict:
    return flush_attendance(redis_store.client, db.session(), now=system_clock.now())
