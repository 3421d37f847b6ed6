"""Rendering through a real Celery worker process: the task stores the PDF once."""

from __future__ import annotations

import io
import time

from pypdf import PdfReader
from sqlalchemy import func, select

from plenary.extensions import task_client
from plenary.models import CertificateFile
from tests.support.certificates import certify, programme


def test_a_worker_renders_and_stores_the_certificate_once(app, make, db, processes):
    event = make.event(title="World Human Rights Cities Forum")
    person = make.person(name="김민지 Kim Min-ji")
    certificate = certify(make, event, person, programme(make, event))
    certificate_id, serial = certificate.id, certificate.serial
    worker = processes.worker("--concurrency=1")
    for _ in range(2):  # a redelivered task must find the file and change nothing
        task_client.send_task("plenary.certificates.render", args=[certificate_id])
    task_client.send_task("plenary.certificates.render", args=[987654])  # gone: returns quietly

    deadline = time.monotonic() + 60
    stored = None
    while stored is None and time.monotonic() < deadline:
        db.expire_all()
        stored = db.get(CertificateFile, certificate_id)
        time.sleep(0.2)
    assert stored is not None, "the worker did not store the PDF in time"
    text = PdfReader(io.BytesIO(stored.pdf)).pages[0].extract_text()
    assert "Kim Min-ji" in text and "김민지" in text and serial in text
    assert f"127.0.0.1:5000/certificates/{serial}" in text  # PUBLIC_URL of the worker
    assert stored.renderer == "hybrid"
    # All three deliveries done (the log says so at INFO), then: still one stored file.
    processes.wait_until(lambda: worker.log().count("succeeded in") >= 3, worker)
    assert "Traceback" not in worker.log()
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(CertificateFile)) == 1
