"""The process-wide clients, created unbound here and bound in `create_app` (or a worker).

Nothing connects at import time: `bind()` is where a URL is given.
"""

from __future__ import annotations

import redis
from celery import Celery
from flask_socketio import SocketIO

from plenary.db import Database


class RedisStore:
    """Holds the process's Redis client (a connection pool shared by all greenlets)."""

    def __init__(self) -> None:
        self.client: redis.Redis | None = None
        self.url: str | None = None

    def bind(self, url: str) -> redis.Redis:
        if self.url != url:
            self.client = redis.Redis.from_url(url, decode_responses=True, health_check_interval=30)
            self.url = url
        return self.client


MAIL_QUEUE = "mail"


def celery_broker_url(redis_url: str) -> str:
    """Kombu spells a unix socket `redis+socket://PATH`; redis-py spells it `unix://PATH`.

    Celery's result backend reads the same spelling, so one URL serves both.
    """
    if redis_url.startswith("unix://"):
        path, _, query = redis_url[len("unix://") :].partition("?")
        db = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("db", "0")
        return f"redis+socket://{path}?virtual_host={db}"
    return redis_url


def configure_celery(app: Celery, redis_url: str) -> Celery:
    """The settings shared by the web tier's sending client and the worker."""
    app.conf.update(
        broker_url=celery_broker_url(redis_url),
        result_backend=celery_broker_url(redis_url),
        # JSON only: a pickle message on the broker would be code execution (Celery security).
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_ignore_result=True,
        result_expires=3600,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Email waits on SMTP servers, not on the CPU: its own queue, for a gevent pool
        # (`plenary mailer`); `plenary worker` alone consumes both queues.
        task_routes={"plenary.mail.*": {"queue": MAIL_QUEUE}},
        broker_connection_retry_on_startup=True,
        # max_connections: kombu's Redis pool per channel (default 10) raises, not waits, when
        # exhausted; a gevent mailer acking 50 tasks at once hit it ("Couldn't ack …
        # MaxConnectionsError"), and its consumer then stopped. Opened on demand.
        broker_transport_options={"visibility_timeout": 3600, "max_connections": 200},
        timezone="UTC",
        enable_utc=True,
    )
    return app


db = Database()
redis_store = RedisStore()
socketio = SocketIO()
# The web tier only sends tasks, by name: it never imports `workers`.
task_client = Celery("plenary-web", set_as_current=False)
