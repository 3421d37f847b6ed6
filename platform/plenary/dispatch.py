"""Sending Celery tasks by name once the current transaction commits.

A rolled-back change enqueues nothing, and a worker never looks for a row that is not yet
committed. A broker that is down at that moment loses nothing: the work is recorded in SQL
(a pending registration, a pending outbox row) and the relay re-enqueues it.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session as OrmSession

from plenary.db import after_commit
from plenary.extensions import task_client

log = logging.getLogger(__name__)


def enqueue_after_commit(session: OrmSession, task_name: str, *args: object) -> None:
    after_commit(session, lambda: send_now(task_name, *args))


class _Sent:
    """What `send_task` hands back when nobody will wait for the result.

    Celery's default, AsyncResult, binds the result backend, which Celery keeps per thread,
    that is per greenlet under gevent: a new Redis result backend for every request. And
    without `ignore_result` Celery also subscribes to the task's result channel.
    """

    __slots__ = ("id", "ignored")

    def __init__(self, task_id: str) -> None:
        self.id = task_id


def send_now(task_name: str, *args: object, countdown: float | None = None) -> None:
    try:
        task_client.send_task(
            task_name, args=list(args), countdown=countdown,
            ignore_result=True, result_cls=_Sent, add_to_parent=False,
        )  # fmt: skip
    except Exception:  # the relay will find the row; the caller's change stands
        log.exception("could not enqueue %s%r; the relay will retry", task_name, args)
