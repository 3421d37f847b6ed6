"""The worker's Celery app. Configured by `configure()` from the settings, not at import.

`plenary worker` and `plenary beat` call `configure()` then start Celery; tests do the same
in a real worker process.
"""

from __future__ import annotations

from celery import Celery, Task

from plenary.config import Settings, load_settings
from plenary.extensions import configure_celery, db, redis_store, task_client

TASK_MODULES = ["workers.tasks"]

# Periodic tasks, by name. The relays' interval is the settings' (RELAY_INTERVAL), set in
# configure().
BEAT_SCHEDULE: dict[str, dict] = {
    "mail-relay": {"task": "plenary.mail.relay"},
    "registration-relay": {"task": "plenary.registration.relay"},
    "certificate-relay": {"task": "plenary.certificates.relay"},
    # Redis → SQL; also expires the connections of dead web nodes (issue 6).
    "attendance-flush": {"task": "plenary.attendance.flush", "schedule": 30.0},
}
RELAYS = ("mail-relay", "registration-relay", "certificate-relay")


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
    # Domain code enqueues follow-up tasks (an email after a confirmation) by name, as the
    # web tier does, so the sending client is configured in workers too.
    configure_celery(task_client, redis_url)
    schedule = {name: dict(entry) for name, entry in BEAT_SCHEDULE.items()}
    for name in RELAYS:
        schedule[name]["schedule"] = settings.relay_interval
    celery_app.conf.update(beat_schedule=schedule, worker_hijack_root_logger=False)
    celery_app.conf.plenary_settings = settings
    return celery_app


def settings() -> Settings:
    """The settings the worker was configured with (tasks read them here, not from env)."""
    return celery_app.conf.plenary_settings
