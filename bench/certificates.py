"""Certificates rendered (and stored in SQL) per second for 3,000 people: in one process on
one core, then through a real Celery worker pool (`plenary worker --concurrency 2`).

    python -m bench.certificates [--people 3000] [--emoji-share 0.005]

Render only: emailing is measured once the outbox lands. Uses DATABASE_URL / REDIS_URL when
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
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psutil
from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url

from plenary.certificates.attendance_source import Attended, rows_source
from plenary.certificates.files import render_and_store
from plenary.certificates.issuing import issue_certificates
from plenary.config import load_settings
from plenary.embedded_redis import EmbeddedRedis
from plenary.extensions import configure_celery, db, task_client
from plenary.migrate import upgrade
from plenary.models import Base, Certificate, CertificateFile, Event, EventSession, Person

SURNAMES_KO = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN_KO = ["민지", "서연", "지훈", "현우", "수빈", "예은", "도윤", "하은", "준서", "지민"]
LATIN = ["Zoë Ångström", "José Núñez", "François Lefèvre", "Łukasz Wójcik", "Ana Ruiz",
         "Siobhán Ó Briain", "Nguyễn Thị Hương", "Amelia Brown", "Jürgen Müller"]  # fmt: skip
ARABIC = ["محمد عبد الله", "فاطمة الزهراء", "عمر الخطيب", "ليلى حسن"]


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


def prepare(database_url: str, people: int, emoji_share: float) -> list[int]:
    """A 5-day forum of 50 sessions and `people` certificates issued (not rendered)."""
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
    persons = [Person(email=f"bench{i}@example.org", name=n)
               for i, n in enumerate(names(people, emoji_share, rng))]  # fmt: skip
    session.add_all(persons)
    session.flush()
    rows = [
        Attended(p.id, s.id, minutes_online=rng.randint(60, 90))
        for p in persons
        for s in rng.sample(sessions, rng.randint(4, 8))  # 240+ minutes: all eligible
    ]
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    issued = issue_certificates(session, event, now=now, source=rows_source(rows))
    session.commit()
    return [c.id for c in issued]


def in_process(ids: list[int], public_url: str) -> dict:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    now = datetime.now(UTC)
    started, cpu_started = time.perf_counter(), time.process_time()
    for certificate_id in ids:
        with db.transaction() as session:
            render_and_store(session, session.get(Certificate, certificate_id),
                             public_url=public_url, now=now)  # fmt: skip
        db.remove()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    return {"seconds": round(elapsed, 2), "per_second": round(len(ids) / elapsed, 1),
            "cpu_ms_per_certificate": round(cpu * 1000 / len(ids), 1)}  # fmt: skip


def through_workers(
    ids: list[int], env: dict, redis_url: str, concurrency: int, batch: int
) -> dict:
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
        cpu_before = worker_cpu(worker.pid)
        started = time.perf_counter()
        if batch == 1:
            for certificate_id in ids:
                task_client.send_task("plenary.certificates.render", args=[certificate_id])
        else:
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                task_client.send_task("plenary.certificates.render_batch", args=[chunk])
        published = time.perf_counter() - started
        while True:
            done = db.session.scalar(select(func.count()).select_from(CertificateFile))
            db.remove()
            if done >= len(ids):
                break
            if worker.poll() is not None:
                raise SystemExit(f"worker died; log: {log}")
            time.sleep(0.25)
        elapsed = time.perf_counter() - started
        cpu = worker_cpu(worker.pid) - cpu_before
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(30)
    return {"seconds": round(elapsed, 2), "per_second": round(len(ids) / elapsed, 1),
            "publish_seconds": round(published, 2), "concurrency": concurrency,
            "batch": batch, "worker_cpu_ms_per_certificate": round(cpu * 1000 / len(ids), 1),
            "pool_cpu_share": round(cpu / elapsed / concurrency, 2)}  # fmt: skip


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
    parser.add_argument("--batches", default="1,25", help="ids per task, one pool run each")
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
        ids = prepare(settings.database_url, args.people, args.emoji_share)
        print(f"{len(ids)} certificates issued; rendering in one process on one core…")
        single = in_process(ids, settings.public_url)
        stored = db.session.execute(
            select(CertificateFile.renderer, func.count(),
                   func.avg(func.length(CertificateFile.pdf)))
            .group_by(CertificateFile.renderer)
        ).all()  # fmt: skip
        print(f"  {single['per_second']}/s ({single['seconds']} s)")
        pools = []
        for batch in [int(b) for b in args.batches.split(",")]:
            with db.transaction() as session:
                session.execute(delete(CertificateFile))
            print(f"through the worker pool, {batch} per task…")
            pooled = through_workers(ids, env, redis_url, args.concurrency, batch)
            print(f"  {pooled['per_second']}/s ({pooled['seconds']} s, publishing "
                  f"{pooled['publish_seconds']} s)")  # fmt: skip
            pools.append(pooled)
        result = {
            "people": len(ids),
            "database": make_url(database_url).get_backend_name(),
            "in_process_one_core": single,
            "worker_pool": pools,
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
