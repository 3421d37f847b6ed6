"""Registrations end to end per second: POST → worker → outbox → email received over SMTP.

Starts its own `plenary web` and `plenary worker` processes and an aiosmtpd server, on the
database and Redis of DATABASE_URL / REDIS_URL (a fresh SQLite file and an embedded Redis
when unset). The database must be empty or disposable: an event `bench-<time>` is added.

    PYTHONPATH=platform:. python bench/registrations.py --count 500 --threads 20 --concurrency 2
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plenary.config import load_settings
from plenary.embedded_redis import EmbeddedRedis
from plenary.extensions import db
from plenary.migrate import upgrade
from plenary.models import Event
from tests.support.processes import Processes
from tests.support.smtp import SmtpServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="plenary-bench-"))
    embedded = None
    env = {"PLENARY_VAR_DIR": str(var_dir), "SECRET_KEY": "bench"}
    if not os.environ.get("REDIS_URL"):
        embedded = EmbeddedRedis(var_dir / "redis").start()
        env["REDIS_URL"] = embedded.url
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'bench.db'}"
    settings = load_settings({**os.environ, **env})
    upgrade(settings.database_url)
    db.bind(settings.database_url)
    slug = f"bench-{int(time.time())}"
    with db.transaction() as session:
        session.add(Event(slug=slug, title="Bench", starts_on=date.today(), ends_on=date.today()))

    smtp = SmtpServer().start()
    processes = Processes(env, var_dir)
    try:
        web = processes.web()
        worker_env = {"SMTP_URL": smtp.url, "PUBLIC_URL": web.url}
        processes.worker(f"--concurrency={args.concurrency}", env=worker_env)
        url = f"{web.url}/api/v1/events/{slug}/registrations"

        def submit(number: int) -> int:
            body = dict(name=f"Bench {number}", email=f"bench{number}@example.org",
                        city="Seoul", country="KR", mode="online", consent=True)  # fmt: skip
            return requests.post(url, json=body, timeout=60).status_code

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            statuses = list(pool.map(submit, range(args.count)))
        accepted = time.monotonic() - started
        smtp.wait_for(args.count, timeout=600)
        finished = time.monotonic() - started
        received = len(smtp.messages)
        assert statuses.count(202) == args.count, f"non-202 answers: {set(statuses)}"
        print(
            f"database: {settings.database_url.split('://')[0]}  redis: "
            f"{'embedded' if embedded else 'server'}  worker processes: {args.concurrency}"
        )
        print(
            f"{args.count} POSTs accepted in {accepted:.2f}s "
            f"({args.count / accepted:.0f}/s, {args.threads} client threads)"
        )
        print(
            f"{received} emails received in {finished:.2f}s after the first POST: "
            f"{received / finished:.1f} registrations/s end to end"
        )
    finally:
        processes.stop_all()
        smtp.stop()
        if embedded:
            embedded.stop()


if __name__ == "__main__":
    main()
