"""Progress of a background job, for the person who started it."""

from __future__ import annotations

from flask import Blueprint, jsonify

from plenary.api.openapi import operation
from plenary.extensions import db
from plenary.identity import require_person
from plenary.jobs.service import job_for, job_json

blueprint = Blueprint("jobs", __name__, url_prefix="/api/v1")


@blueprint.get("/jobs/<int:job_id>")
@operation("A job's state, progress and per-item errors (who started it)", tag="jobs",
           auth="cookie")  # fmt: skip
def read(job_id: int):
    return jsonify(job_json(job_for(db.session, job_id, require_person())))
