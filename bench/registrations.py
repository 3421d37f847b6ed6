"""Scenario 7: registrations end to end, POST → worker → outbox → email received over SMTP.

    bench/run registrations [--count 3000] [--smtp-latency 0.2] [--reps 3]
                            [--mail-concurrency 50] [--workers 2] [--connections 20] [--smoke]

Starts one `plenary web`, one `plenary worker --concurrency W --queues celery` (prefork:
registrations) and one `plenary mailer --concurrency M` (gevent: emails), or with
`--mail-concurrency 0` the old shape, one `plenary worker` doing both. An SMTP sink in this
process waits `--smtp-latency` seconds per message, asynchronously (bench/smtp_sink.py);
the POSTs come from keep-alive connections in this process (bench/http_post.py).

Reported per repetition, medians over `--reps`: registrations/s end to end (first POST →
last email accepted by the sink), POSTs/s accepted, the most SMTP connections open and
messages in flight at once, CPU seconds of web, worker, mailer, sink, load generator,
this database's PostgreSQL backends and the Redis server (shared with whoever else uses
it), the load average, and the ideal bound (mail concurrency / latency). Every registration
must get exactly one email: lost or duplicated ones are counted and fail the run.

Database: BENCH_DATABASE_URL, else a SQLite file in a temporary folder (each run adds events
`bench-reg-…`). Redis: BENCH_REDIS_URL (default redis://127.0.0.1:6379/15, flushed first),
`embedded` for a private one. JSON: bench/results/registrations.json (or $BENCH_RESULTS).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import redis as redis_client
from sqlalchemy import func, select, text

from bench import procstat
from bench.http_post import encode_posts, post_all
from bench.runner import machine, table, write
from bench.smtp_sink import LatencySink
from bench.targets import DEFAULT_REDIS
from plenary.embedded_redis import EmbeddedRedis
from plenary.extensions import MAIL_QUEUE, db
from plenary.migrate import upgrade
from plenary.models import EmailOutbox, Event, Registration
from tests.support.processes import Processes


def run(args: argparse.Namespace) -> None:
    count = args.count or (30 if args.smoke else 3000)
    reps = 1 if args.smoke else args.reps
    name = "registrations-smoke" if args.smoke else "registrations"
    folder = Path(tempfile.mkdtemp(prefix="plenary-bench-registrations-"))
    env, embedded = _services(folder)
    upgrade(env["DATABASE_URL"])
    db.bind(env["DATABASE_URL"])
    sink = LatencySink(args.smtp_latency).start()
    processes = Processes(env, folder)
    shape, host = _shape(args), machine()  # load average before the first repetition
    print(f"{name}: {count} registrations × {reps}, SMTP latency {args.smtp_latency} s; "
          f"{shape}; database {env['DATABASE_URL'].split(':')[0]}")  # fmt: skip
    try:
        nodes = _start(processes, args, sink)
        runs = [_one(rep, count, args, sink, nodes) for rep in range(reps)]
    finally:
        processes.stop_all()
        sink.stop()
        db.remove()
        if embedded:
            embedded.stop()
    ideal = _ideal(args)
    keys = ("per_second", "posts_per_second", "seconds", "most_smtp_open", "most_in_flight",
            "cpu_web", "cpu_worker", "cpu_mailer", "cpu_sink", "cpu_loadgen", "cpu_postgres",
            "cpu_redis_shared")  # fmt: skip
    medians = {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}
    medians["ideal_per_second"] = ideal
    medians["lost_total"] = sum(r["lost"] for r in runs)
    medians["duplicates_total"] = sum(r["duplicates"] for r in runs)
    print(table(["rep", "reg/s", "POST/s", "s", "SMTP open", "in flight", "CPU web", "worker",
                 "mailer", "sink", "loadgen", "pg", "redis*", "load avg"],
                [[r["rep"], r["per_second"], r["posts_per_second"], r["seconds"],
                  r["most_smtp_open"], r["most_in_flight"], r["cpu_web"], r["cpu_worker"],
                  r["cpu_mailer"], r["cpu_sink"], r["cpu_loadgen"], r["cpu_postgres"],
                  r["cpu_redis_shared"], r["loadavg"]] for r in runs]))  # fmt: skip
    print(
        f"median {medians['per_second']} registrations/s end to end (ideal bound of the "
        f"email path {ideal}/s); lost {medians['lost_total']}, "
        f"duplicated {medians['duplicates_total']}  (*redis: the whole server's CPU)"
    )
    path = write(name, {
        "scenario": name, "machine": {**host, "layout": "unpinned, all on 2 cores"},
        "count": count, "reps": reps, "smtp_latency": args.smtp_latency, "shape": shape,
        "database": env["DATABASE_URL"].split(":")[0], "median": medians, "runs": runs,
    })  # fmt: skip
    print(f"written {path}")
    if medians["lost_total"] or medians["duplicates_total"]:
        raise SystemExit("emails lost or duplicated")


def _services(folder: Path) -> tuple[dict[str, str], EmbeddedRedis | None]:
    env = {"PLENARY_VAR_DIR": str(folder / "var"), "SECRET_KEY": "bench", "LOG_LEVEL": "INFO"}
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    redis_url, embedded = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS), None
    if redis_url == "embedded":
        embedded = EmbeddedRedis(folder / "redis").start()
        redis_url = embedded.url
    elif redis_url == DEFAULT_REDIS:
        redis_client.Redis.from_url(DEFAULT_REDIS).flushdb()
    else:  # tasks left in the broker by an earlier, interrupted run would be measured too
        redis_client.Redis.from_url(redis_url).delete("celery", MAIL_QUEUE, "unacked",
                                                      "unacked_index")  # fmt: skip
    env["REDIS_URL"] = redis_url
    return env, embedded


def _shape(args: argparse.Namespace) -> str:
    if args.mail_concurrency:
        return (f"plenary worker --concurrency {args.workers} --queues celery + "
                f"plenary mailer --concurrency {args.mail_concurrency}")  # fmt: skip
    return f"plenary worker --concurrency {args.workers} (registrations and emails)"


def _ideal(args: argparse.Namespace) -> float | None:
    senders = args.mail_concurrency or args.workers
    return round(senders / args.smtp_latency, 1) if args.smtp_latency else None


def _start(processes: Processes, args: argparse.Namespace, sink: LatencySink) -> dict:
    web = processes.web()
    mail_env = {"SMTP_URL": sink.url, "PUBLIC_URL": web.url}
    queues = ["--queues=celery"] if args.mail_concurrency else []
    worker = processes.worker(f"--concurrency={args.workers}", *queues, env=mail_env)
    nodes = {"web": web, "worker": worker, "mailer": None}
    if args.mail_concurrency:
        mailer = processes.start("mailer", ["mailer", f"--concurrency={args.mail_concurrency}"],
                                 mail_env)  # fmt: skip
        processes.wait_until(lambda: "ready." in mailer.log(), mailer)
        nodes["mailer"] = mailer
    return nodes


def _cpu(nodes: dict, sink: LatencySink) -> dict[str, float]:
    out = {name: procstat.cpu_seconds([node.process.pid]) if node else 0.0
           for name, node in nodes.items()}  # fmt: skip
    out["sink"] = sink.cpu_seconds()
    out["own"] = procstat.own_cpu_seconds()
    with db.engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = "
                                 "current_database()")).scalars().all() \
            if conn.dialect.name == "postgresql" else []  # fmt: skip
    out["postgres"] = procstat.pid_cpu_seconds(pids)
    info = redis_client.Redis.from_url(os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS) \
        if os.environ.get("BENCH_REDIS_URL") != "embedded" else None  # fmt: skip
    cpu = info.info("cpu") if info else {}
    out["redis"] = cpu.get("used_cpu_user", 0.0) + cpu.get("used_cpu_sys", 0.0)
    return out


def _one(rep: int, count: int, args: argparse.Namespace, sink: LatencySink, nodes: dict) -> dict:
    tag = f"{int(time.time())}-{rep}"
    with db.transaction() as session:
        event = Event(slug=f"bench-reg-{tag}", title="Bench", starts_on=date.today(),
                      ends_on=date.today())  # fmt: skip
        session.add(event)
    url = f"{nodes['web'].url}/api/v1/events/bench-reg-{tag}/registrations"
    bodies = [dict(name=f"Bench {n}", email=f"r{tag}-{n}@example.org", city="Seoul",
                   country="KR", mode="online", consent=True) for n in range(count)]  # fmt: skip
    requests = encode_posts(url, bodies)
    sink.handler.reset()
    before = _cpu(nodes, sink)
    started = time.monotonic()
    statuses, post_seconds = post_all(url, requests, args.connections)
    deadline = time.monotonic() + 120 + count / 5
    while sink.received(f"r{tag}-") < count and time.monotonic() < deadline:
        for name, node in nodes.items():
            if node and node.process.poll() is not None:
                raise SystemExit(f"{name} exited:\n{node.log()[-3000:]}")
        time.sleep(0.05)
    elapsed = (sink.handler.last_accepted or time.monotonic()) - started
    after = _cpu(nodes, sink)
    handler = sink.handler
    prefix = f"r{tag}-"
    with handler.lock:
        ours = {to: n for to, n in handler.recipients.items() if to.startswith(prefix)}
        foreign = sum(handler.recipients.values()) - sum(ours.values())
        message_ids = len(handler.message_ids)
    received, distinct = sum(ours.values()), len(ours)
    with db.transaction() as session:
        sent = session.scalar(select(func.count()).select_from(EmailOutbox).where(
            EmailOutbox.event_id == event.id, EmailOutbox.status == "sent"))  # fmt: skip
        confirmed = session.scalar(select(func.count()).select_from(Registration).where(
            Registration.event_id == event.id, Registration.status == "confirmed"))  # fmt: skip
    db.remove()
    postgres = sum(cpu - before["postgres"].get(pid, 0.0) for pid, cpu in after["postgres"].items())
    sink_cpu = after["sink"] - before["sink"]
    result = {
        "rep": rep + 1, "per_second": round(count / elapsed, 1), "seconds": round(elapsed, 2),
        "posts_per_second": round(count / post_seconds, 1), "posts_seconds": round(post_seconds, 2),
        "non_202": len(statuses) - statuses.count(202), "received": received,
        "distinct_recipients": distinct, "distinct_message_ids": message_ids,
        "other_emails": foreign,
        "lost": count - distinct, "duplicates": received - distinct,
        "outbox_sent": sent, "confirmed": confirmed,
        "most_smtp_open": handler.most_open, "most_in_flight": handler.most_held,
        "smtp_sessions": handler.sessions,
        "cpu_web": round(after["web"] - before["web"], 1),
        "cpu_worker": round(after["worker"] - before["worker"], 1),
        "cpu_mailer": round(after["mailer"] - before["mailer"], 1),
        "cpu_sink": round(sink_cpu, 1),
        "cpu_loadgen": round(after["own"] - before["own"] - sink_cpu, 1),
        "cpu_postgres": round(postgres, 1),
        "cpu_redis_shared": round(after["redis"] - before["redis"], 1),
        "loadavg": procstat.load_average(),
    }  # fmt: skip
    if result["non_202"]:
        raise SystemExit(f"{result['non_202']} POSTs were not answered 202: {set(statuses)}")
    return result
