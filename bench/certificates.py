"""Certificates per second for 3,000 people, end to end: attendance rows in SQL → a
certificate run (the organizer's job: issue, render in batches of 25, queue each email) →
a real `plenary worker --concurrency 2 --queues celery` → the outbox → a `plenary mailer`
(gevent, 50 greenlets; `--mailer 0`: the worker sends too) → an SMTP sink in this process.

    bench/run certificates [--people 3000] [--reps 3] [--mailer 50] [--in-process]
    bench/run certificates --smoke      # 20 people, 1 run: "nothing lost" for the test suite

Timed from the job's commit to the last email accepted by the sink; each repetition on a
freshly seeded database with a fresh worker; medians. CPU per certificate of the worker (and
its pool), the sink's thread, PostgreSQL (the backends of the bench database and the server's
background processes) and redis-server, from /proc. `--in-process` also times render + store
alone in this process on one core. Uses BENCH_DATABASE_URL or DATABASE_URL and
BENCH_REDIS_URL or REDIS_URL when set (the database name must contain "bench" or "test": it
is wiped), else a SQLite file and an embedded Redis in a temporary folder. Names: Korean,
accented Latin and Arabic, plus a small share with emoji (these take the whole-page
WeasyPrint path). Writes bench/results/certificates.json (certificates-smoke.json), or
under $BENCH_RESULTS.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psutil
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench import runner
from bench.mailsink import MailSink
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


def start_tier(args: list[str], env: dict) -> tuple[subprocess.Popen, Path]:
    """`plenary <args>` in its own process group, returned once Celery says it is ready."""
    log = Path(tempfile.mkdtemp(prefix=f"bench-{args[0]}-")) / f"{args[0]}.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "plenary", *args], env=env,
                                   stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text(errors="replace"):
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit(f"{args[0]} not ready; log: {log}")
        time.sleep(0.1)
    return process, log


def end_to_end(
    event_id: int,
    organizer_id: int,
    env: dict,
    redis_url: str,
    database: str,
    concurrency: int,
    mailer: int = 0,
) -> dict:
    """Starts the certificate run as the organizer's POST does and waits for every email.
    With `mailer`, the production shape: the worker takes the `celery` queue and a gevent
    `plenary mailer` of that many greenlets sends the emails; else the worker does both."""
    server = MailSink().start()
    env = {**env, "SMTP_URL": server.url}
    configure_celery(task_client, redis_url)
    queues = ["--queues=celery"] if mailer else []
    worker, log = start_tier(["worker", f"--concurrency={concurrency}", *queues], env)
    tiers = [worker]
    try:
        if mailer:
            tiers.append(start_tier(["mailer", f"--concurrency={mailer}"], env)[0])
        load_before = os.getloadavg()[0]
        before = cpu_now(tiers, server, database)
        started = time.perf_counter()
        with db.transaction() as session:
            event, organizer = session.get(Event, event_id), session.get(Person, organizer_id)
            job_id = start_run(session, event, by=organizer, now=NOW).id
        rendered_at, expected = None, None
        # Polls the job a few times a second (its CPU is counted with PostgreSQL's); the sink
        # wakes this thread when the last email arrives.
        while not server.sink.all_arrived.wait(0.25):
            if rendered_at is None:
                job = db.session.get(Job, job_id)
                if job.state == "done":
                    rendered_at, expected = time.perf_counter() - started, job.total
                    server.sink.expect(expected)
                db.remove()
            if any(tier.poll() is not None for tier in tiers):
                raise SystemExit(f"a worker died; log: {log}")
        elapsed = time.perf_counter() - started
        used = {k: v - before.get(k, 0.0) for k, v in cpu_now(tiers, server, database).items()}
        load_after = os.getloadavg()[0]
    finally:
        for tier in tiers:
            os.killpg(tier.pid, 15)
            tier.wait(30)
        server.stop()
    sink = server.sink
    per = {f"{k}_cpu_ms_per_certificate": round(v * 1000 / expected, 1) for k, v in used.items()}
    return {"seconds": round(elapsed, 2), "per_second": round(expected / elapsed, 1),
            "certificates": expected, "emails": sink.emails, "distinct_keys": len(sink.keys),
            "emailed_twice": sum(1 for n in sink.keys.values() if n > 1),
            "with_pdf": len(sink.with_pdf), "avg_email_kb": round(sink.bytes / 1024 / expected, 1),
            "rendered_and_queued_seconds": round(rendered_at, 2), "concurrency": concurrency,
            "mailer": mailer,
            **per, "total_cpu_ms_per_certificate": round(sum(used.values()) * 1000 / expected, 1),
            "pool_cpu_share": round(used["worker"] / elapsed / concurrency, 2),
            "load_average_1min": [load_before, load_after]}  # fmt: skip


def cpu_now(tiers: list[subprocess.Popen], server: MailSink, database: str) -> dict[str, float]:
    """CPU seconds used so far by the workers (and their pools), the sink's thread, the PostgreSQL
    backends connected to `database` plus the server's own background processes (WAL writer,
    checkpointer: shared with other users of the server), and redis-server (shared too)."""
    totals = {"worker": sum(worker_cpu(tier.pid) for tier in tiers), "sink": server.cpu_seconds(),
              "postgres": 0.0, "redis": 0.0}  # fmt: skip
    for process in psutil.process_iter(["name", "cmdline"]):
        name = process.info["name"] or ""
        if name.startswith("postgres"):
            # a backend's title: "postgres: 15/main: <user> <database> <client> <state>"
            fields = " ".join(process.info["cmdline"] or []).split()
            backend = len(fields) >= 5 and ("(" in fields[4] or fields[4] == "[local]")
            if backend and fields[3] != database:
                continue  # another database's client
            key = "postgres"
        elif name.startswith("redis-server") or name.startswith("redis"):
            key = "redis"
        else:
            continue
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


MEDIAN_KEYS = ("seconds", "per_second", "rendered_and_queued_seconds",
               "worker_cpu_ms_per_certificate", "sink_cpu_ms_per_certificate",
               "postgres_cpu_ms_per_certificate", "redis_cpu_ms_per_certificate",
               "total_cpu_ms_per_certificate", "pool_cpu_share", "avg_email_kb")  # fmt: skip


def run_scenario(people: int, reps: int, emoji_share: float, concurrency: int,
                 smoke: bool = False, in_process_too: bool = False,
                 mailer: int = 0) -> dict:  # fmt: skip
    """`reps` end-to-end runs on a freshly seeded database each; medians; JSON and a table."""
    folder = Path(tempfile.mkdtemp(prefix="plenary-bench-"))
    embedded = None
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL")
    if not redis_url:
        embedded = EmbeddedRedis(folder / "redis").start()
        redis_url = embedded.url
    database_url = (os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
                    or f"sqlite:///{folder / 'bench.db'}")  # fmt: skip
    name = make_url(database_url).database or ""
    if database_url.startswith("postgresql") and not ("bench" in name or "test" in name):
        raise SystemExit("refusing to wipe a database whose name lacks 'bench' or 'test'")
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "PLENARY_VAR_DIR": str(folder), "LOG_LEVEL": "INFO"}  # fmt: skip
    settings = load_settings(env)
    scenario = "certificates-smoke" if smoke else "certificates"
    result: dict = {"scenario": scenario, "people": people, "reps": reps,
                    "emoji_share": emoji_share, "concurrency": concurrency, "mailer": mailer,
                    "database": make_url(database_url).get_backend_name(),
                    "machine": runner.machine() | {"layout": "worker, sink, PostgreSQL and "
                                                   "Redis share the cores"}}  # fmt: skip
    try:
        if in_process_too:
            event_id, _ = prepare(settings.database_url, people, emoji_share)
            print("render + store in one process on one core…")
            result["in_process_one_core"] = in_process(event_id, settings.public_url)
            print(f"  {result['in_process_one_core']}")
        runs = []
        for rep in range(reps):
            event_id, organizer_id = prepare(settings.database_url, people, emoji_share)
            shape = f"worker --concurrency {concurrency}" + (
                f" --queues celery + mailer --concurrency {mailer}" if mailer else ""
            )
            print(f"[{rep + 1}/{reps}] {people} eligible; certificates through `plenary "
                  f"{shape}` to an SMTP sink…")  # fmt: skip
            run = end_to_end(event_id, organizer_id, env, redis_url, name, concurrency, mailer)
            run["renderers"] = stored_files()
            runs.append(run)
            print(
                f"  {run['seconds']} s, {run['per_second']}/s, {run['emails']} emails "
                f"({run['distinct_keys']} distinct, {run['with_pdf']} with a PDF), "
                f"CPU ms per certificate: worker {run['worker_cpu_ms_per_certificate']}, "
                f"sink {run['sink_cpu_ms_per_certificate']}, PostgreSQL "
                f"{run['postgres_cpu_ms_per_certificate']}, Redis "
                f"{run['redis_cpu_ms_per_certificate']}; load {run['load_average_1min']}"
            )
        result["runs"] = runs
        result["median"] = {key: runner.median_of(runs, key) for key in MEDIAN_KEYS}
        result["nothing_lost"] = all(
            r["emails"] == r["distinct_keys"] == r["with_pdf"] == r["certificates"] == people
            for r in runs
        )
        result["machine"]["loadavg_end"] = os.getloadavg()
        print_table(result)
        print(f"results: {runner.write(scenario, result)}")
        return result
    finally:
        db.remove()
        if embedded:
            embedded.stop()


def stored_files() -> dict:
    rows = db.session.execute(
        select(CertificateFile.renderer, func.count(), func.avg(func.length(CertificateFile.pdf)))
        .group_by(CertificateFile.renderer)
    ).all()  # fmt: skip
    db.remove()
    return {r: {"count": c, "avg_kb": round(float(a) / 1024, 1)} for r, c, a in rows}


COLUMNS = {"total s": "seconds", "cert/s": "per_second", "queued s": "rendered_and_queued_seconds",
           "worker": "worker_cpu_ms_per_certificate", "sink": "sink_cpu_ms_per_certificate",
           "postgres": "postgres_cpu_ms_per_certificate",
           "redis": "redis_cpu_ms_per_certificate", "all": "total_cpu_ms_per_certificate",
           "email KB": "avg_email_kb"}  # fmt: skip


def print_table(result: dict) -> None:
    rows = [
        [i + 1, *(r[key] for key in COLUMNS.values()),
         "{:.2f} → {:.2f}".format(*r["load_average_1min"]),
         f"{r['emails']}/{r['distinct_keys']}/{r['with_pdf']}"]
        for i, r in enumerate(result["runs"])
    ]  # fmt: skip
    rows.append(["median", *(result["median"][key] for key in COLUMNS.values()), "", ""])
    print(
        f"{result['people']} certificates rendered and emailed, {result['database']}, "
        f"`plenary worker --concurrency {result['concurrency']}`"
        f"{' + mailer --concurrency ' + str(result['mailer']) if result['mailer'] else ''}; "
        "CPU in ms per certificate (worker: with the mailer)"
    )
    print(runner.table(["run", *COLUMNS, "load 1 min", "emails/keys/pdf"], rows))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench certificates",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--emoji-share", type=float, default=0.005)
    parser.add_argument("--concurrency", type=int, default=2, help="prefork worker processes")
    parser.add_argument("--mailer", type=int, default=50,
                        help="greenlets of a `plenary mailer` sending the emails (the "
                             "production shape); 0: the worker sends them too")  # fmt: skip
    parser.add_argument("--in-process", action="store_true", help="also time render alone")
    parser.add_argument("--smoke", action="store_true", help="20 people (10 %% emoji), 1 rep")
    args = parser.parse_args(argv)
    if args.smoke:
        args.people, args.reps, args.emoji_share = 20, 1, 0.1
    result = run_scenario(args.people, args.reps, args.emoji_share, args.concurrency,
                          smoke=args.smoke, in_process_too=args.in_process,
                          mailer=args.mailer)  # fmt: skip
    if not result["nothing_lost"]:
        raise SystemExit("some certificate was not emailed exactly once with its PDF")


if __name__ == "__main__":
    main()
