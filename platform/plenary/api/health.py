"""Liveness and readiness, for load balancers and `plenary run`."""

from __future__ import annotations

from flask import Blueprint, jsonify

from plenary.api.openapi import operation
from plenary.extensions import db, redis_store

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
@operation("Liveness: 200 while the process runs", tag="health")
def healthz():
    return jsonify({"ok": True})


@blueprint.get("/readyz")
@operation("Readiness: 200 when the database and Redis answer, else 503", tag="health")
def readyz():
    checks = {"database": _check(db.ping), "redis": _check(redis_store.client.ping)}
    ready = all(value == "ok" for value in checks.values())
    return jsonify({"ok": ready, "checks": checks}), 200 if ready else 503


def _check(probe) -> str:
    try:
        probe()
    except Exception as exc:  # any failure means not ready; say which
        return f"error: {type(exc).__name__}"
    return "ok"
