"""The worker's Celery app. Configured by `configure()` from the settings, not at import.

`plenary worker` and `plenary beat` call `configure()` then start Celery; tests do the same
in a real worker process.
"""

from __future__ import annotations

from celery import Celery, Task

from plenary.config import Settings, load_settings
from plenary.extensions import configure_celery, db, redis_store

TASK_MODULES = ["workers.tasks"]

# Periodic tasks, by name. Later issues add the outbox relay here.
BEAT_SCHEDULE: dict[str, dict] = {
    # Redis → SQL; also expires the connections of dead web nodes (issue 6).
    "attendance-flush": {"task": "plenary.attendance.flush", "schedule": 30.0},
}


class DatabaseTask(Task):
    """Gives every task a fresh database session and returns it to the pool afterwards."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        finally:
            db.remove()


celery_app = Celery("plenary", task_cls=DatabaseTask, include=TASK_MODULES)


def configure(settings: Settings | None = None) -> Celery:
    settings = settings or load_settings()
    db.bind(settings.database_url)
    redis_url = settings.effective_redis_url
    redis_store.bind(redis_url)
    configure_celery(celery_app, redis_url)
    celery_app.conf.update(beat_schedule=BEAT_SCHEDULE, worker_hijack_root_logger=False)
    celery_app.conf.plenary_settings = settings
    return celery_app
