"""Certificates per second for 3,000 people, end to end: attendance rows in SQL → a
certificate run (the organizer's job: issue, render in batches of 25, queue each email) →
a real `plenary worker --concurrency 2` → the outbox sender → an SMTP sink in this process.

    python -m bench.certificates [--people 3000] [--emoji-share 0.005] [--in-process]

Timed from the job's commit to the last email accepted by the sink. `--in-process` also
times render + store alone in this process on one core. Uses DATABASE_URL / REDIS_URL when
set (the database name must contain "bench" or "test": it is wiped), else a SQLite file and
an embedded Redis in a temporary folder. Names: Korean, accented Latin and Arabic, plus a
small share with emoji (these take the whole-page WeasyPrint path). Writes
bench/results/certificates.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psutil
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from plenary.certificates.files import render_and_store
from plenary.certificates.issuing import issue_certificates
from plenary.certificates.runs import start_run
from plenary.config import load_settings
from plenary.embedded_redis import EmbeddedRedis
from plenary.extensions import configure_celery, db, task_client
from plenary.migrate import upgrade
from plenary.models import (
    AttendanceRecord,
    Base,
    Certificate,
    CertificateFile,
    Event,
    EventSession,
    Job,
    Person,
    RoleGrant,
)

SURNAMES_KO = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN_KO = ["민지", "서연", "지훈", "현우", "수빈", "예은", "도윤", "하은", "준서", "지민"]
LATIN = ["Zoë Ångström", "José Núñez", "François Lefèvre", "Łukasz Wójcik", "Ana Ruiz",
         "Siobhán Ó Briain", "Nguyễn Thị Hương", "Amelia Brown", "Jürgen Müller"]  # fmt: skip
ARABIC = ["محمد عبد الله", "فاطمة الزهراء", "عمر الخطيب", "ليلى حسن"]
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def names(count: int, emoji_share: float, rng: random.Random) -> list[str]:
    result = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.6:
            name = rng.choice(SURNAMES_KO) + rng.choice(GIVEN_KO)
        elif roll < 0.93:
            name = rng.choice(LATIN)
        else:
            name = rng.choice(ARABIC)
        if rng.random() < emoji_share:
            name += " 🎉"
        result.append(f"{name}")
    return result


def prepare(database_url: str, people: int, emoji_share: float) -> tuple[int, int]:
    """A 5-day forum of 50 sessions, `people` attendees who all meet the rule (recorded as
    attendance rows, as the attendance flush writes them) and an organizer. Returns
    (event id, organizer id); nothing is issued yet."""
    from plenary.db import make_engine

    engine = make_engine(database_url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()
    upgrade(database_url)
    db.bind(database_url)
    rng = random.Random(7)
    session = db.session()
    event = Event(slug="bench-forum", title="2026 World Human Rights Cities Forum",
                  title_ko="2026 세계인권도시포럼", starts_on=date(2026, 11, 24),
                  ends_on=date(2026, 11, 28), timezone="Asia/Seoul",
                  venue="Kim Dae-jung Convention Center, Gwangju")  # fmt: skip
    session.add(event)
    session.flush()
    start = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    sessions = []
    for index in range(50):
        begins = start + timedelta(days=index // 10, hours=(index % 10) * 0.8)
        sessions.append(EventSession(event_id=event.id, title=f"Session {index + 1}: Human "
                        "rights cities and local government", kind="plenary", starts_at=begins,
                        ends_at=begins + timedelta(minutes=90)))  # fmt: skip
    session.add_all(sessions)
    persons = [Person(email=f"bench{i}@example.org", name=n, language=rng.choice(["ko", "en"]))
               for i, n in enumerate(names(people, emoji_share, rng))]  # fmt: skip
    organizer = Person(email="organizer@example.org", name="Organizer")
    session.add_all([*persons, organizer])
    session.flush()
    session.add(RoleGrant(person_id=organizer.id, event_id=event.id, role="organizer"))
    session.add_all(
        AttendanceRecord(session_id=s.id, person_id=p.id, minutes_online=rng.randint(60, 90))
        for p in persons
        for s in rng.sample(sessions, rng.randint(4, 8))  # 240+ minutes: all eligible
    )
    session.commit()
    return event.id, organizer.id


def in_process(event_id: int, public_url: str) -> dict:
    """Issue, then render + store each certificate here, on one core (no Celery, no email)."""
    session = db.session()
    ids = [c.id for c in issue_certificates(session, session.get(Event, event_id), now=NOW)]
    session.commit()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    started, cpu_started = time.perf_counter(), time.process_time()
    for certificate_id in ids:
        with db.transaction() as session:
            render_and_store(session, session.get(Certificate, certificate_id),
                             public_url=public_url, now=NOW)  # fmt: skip
        db.remove()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    return {"seconds": round(elapsed, 2), "per_second": round(len(ids) / elapsed, 1),
            "cpu_ms_per_certificate": round(cpu * 1000 / len(ids), 1)}  # fmt: skip


class Sink:
    """An SMTP server that keeps only each message's Message-ID, size and attachment check."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.bytes = 0
        self.with_pdf = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        data = envelope.content
        head = data[: data.find(b"\r\n\r\n")].decode("ascii", "replace")
        found = re.search(r"^Message-ID:\s*(\S+)", head, re.MULTILINE | re.IGNORECASE)
        self.ids.append(found.group(1) if found else "")
        self.bytes += len(data)
        self.with_pdf += b"Content-Type: application/pdf" in data
        return "250 OK"


def end_to_end(
    event_id: int, organizer_id: int, env: dict, redis_url: str, concurrency: int
) -> dict:
    """Starts the certificate run as the organizer's POST does and waits for every email."""
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    env = {**env, "SMTP_URL": f"smtp://127.0.0.1:{port}"}
    configure_celery(task_client, redis_url)
    log = Path(tempfile.mkdtemp(prefix="bench-worker-")) / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "plenary", "worker", f"--concurrency={concurrency}"],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text(errors="replace"):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit(f"worker not ready; log: {log}")
            time.sleep(0.1)
        cpu_before, others_before = worker_cpu(worker.pid), other_cpu()
        started, own_before = time.perf_counter(), time.process_time()
        with db.transaction() as session:
            event, organizer = session.get(Event, event_id), session.get(Person, organizer_id)
            job_id = start_run(session, event, by=organizer, now=NOW).id
        rendered_at = None
        expected = None
        while expected is None or len(sink.ids) < expected:
            job = db.session.get(Job, job_id)
            if job.state == "done" and rendered_at is None:
                rendered_at = time.perf_counter() - started
                expected = job.total
            db.remove()
            if worker.poll() is not None:
                raise SystemExit(f"worker died; log: {log}")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        cpu = worker_cpu(worker.pid) - cpu_before
        own, others = time.process_time() - own_before, other_cpu()
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(30)
        controller.stop()
    return {"seconds": round(elapsed, 2), "per_second": round(expected / elapsed, 1),
            "emails": len(sink.ids), "distinct_message_ids": len(set(sink.ids)),
            "with_pdf": sink.with_pdf, "avg_email_kb": round(sink.bytes / 1024 / expected, 1),
            "rendered_and_queued_seconds": round(rendered_at, 2), "concurrency": concurrency,
            "worker_cpu_ms_per_certificate": round(cpu * 1000 / expected, 1),
            "pool_cpu_share": round(cpu / elapsed / concurrency, 2),
            "bench_process_cpu_seconds": round(own, 1),  # the SMTP sink, mostly
            "postgres_cpu_seconds": round(others["postgres"] - others_before["postgres"], 1),
            "redis_cpu_seconds": round(others["redis"] - others_before["redis"], 1)}  # fmt: skip


def other_cpu() -> dict[str, float]:
    """CPU seconds used so far by the database server and Redis (all their processes)."""
    totals = {"postgres": 0.0, "redis": 0.0}
    for process in psutil.process_iter(["name"]):
        name = process.info["name"] or ""
        key = "postgres" if name.startswith("postgres") else "redis" if "redis" in name else None
        if key:
            with contextlib.suppress(psutil.Error):
                totals[key] += sum(process.cpu_times()[:2])
    return totals


def worker_cpu(pid: int) -> float:
    """CPU seconds used so far by the worker and its pool processes (from /proc)."""
    main = psutil.Process(pid)
    total = sum(main.cpu_times()[:2])
    for child in main.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += sum(child.cpu_times()[:2])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--emoji-share", type=float, default=0.005)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--in-process", action="store_true", help="also time render alone")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="plenary-bench-"))
    embedded = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        embedded = EmbeddedRedis(folder / "redis").start()
        redis_url = embedded.url
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    name = make_url(database_url).database or ""
    if database_url.startswith("postgresql") and not ("bench" in name or "test" in name):
        raise SystemExit("refusing to wipe a database whose name lacks 'bench' or 'test'")
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "PLENARY_VAR_DIR": str(folder), "LOG_LEVEL": "INFO"}  # fmt: skip
    settings = load_settings(env)
    try:
        result: dict = {"people": args.people,
                        "database": make_url(database_url).get_backend_name()}  # fmt: skip
        if args.in_process:
            event_id, _ = prepare(settings.database_url, args.people, args.emoji_share)
            print("render + store in one process on one core…")
            result["in_process_one_core"] = in_process(event_id, settings.public_url)
            print(f"  {result['in_process_one_core']}")
        event_id, organizer_id = prepare(settings.database_url, args.people, args.emoji_share)
        print(f"{args.people} eligible; certificate run through "
              f"`plenary worker --concurrency {args.concurrency}` to an SMTP sink…")  # fmt: skip
        run = end_to_end(event_id, organizer_id, env, redis_url, args.concurrency)
        stored = db.session.execute(
            select(CertificateFile.renderer, func.count(),
                   func.avg(func.length(CertificateFile.pdf)))
            .group_by(CertificateFile.renderer)
        ).all()  # fmt: skip
        print(f"  {run['per_second']} certificates/s, {run['seconds']} s in total "
              f"({run['emails']} emails, {run['distinct_message_ids']} distinct Message-IDs, "
              f"rendered and queued after {run['rendered_and_queued_seconds']} s)")  # fmt: skip
        result |= {
            "end_to_end": run,
            "load_average_after": os.getloadavg(),
            "renderers": {
                r: {"count": c, "avg_kb": round(float(a) / 1024, 1)} for r, c, a in stored
            },
        }
        print(json.dumps(result, indent=2))
        out = Path(__file__).parent / "results"
        out.mkdir(exist_ok=True)
        (out / "certificates.json").write_text(json.dumps(result, indent=2))
    finally:
        db.remove()
        if embedded:
            embedded.stop()


if __name__ == "__main__":
    main()
