"""A task that proves the wiring: web tier → broker → worker → database and Redis."""

from __future__ import annotations

from plenary.extensions import db, redis_store
from workers.app import celery_app


@celery_app.task(name="plenary.ping", ignore_result=False)
def ping(token: str) -> dict:
    db.ping()
    redis_store.client.ping()
    return {"pong": token}
