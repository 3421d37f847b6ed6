"""`plenary run`: the whole platform on one machine, and nothing left behind when it stops.

Redis (embedded unless REDIS_URL is set), migrations, the demo forum, then web, worker,
mailer and beat as child processes: the production shape, with registrations, certificates
and imports on a prefork worker and emails on a gevent mailer. Each child leads its own
process group, so stopping it stops its own children too (Celery's pool); each child also
dies with this process (PR_SET_PDEATHSIG), so not even a SIGKILL of the supervisor leaves
orphans.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.request

from plenary.clock import system_clock
from plenary.config import Settings
from plenary.startup import StartupError, check_database, ensure_redis

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stop(Exception):
    """Raised in the main loop by the signal handler."""


def run_platform(settings: Settings, *, host: str, port: int, demo: bool, concurrency: int) -> int:
    started = time.monotonic()
    redis_server = ensure_redis(settings)
    children: list[tuple[str, subprocess.Popen]] = []
    for sig in STOP_SIGNALS:
        signal.signal(sig, _raise_stop)
    try:
        check_database(settings)
        links = _prepare_database(settings, demo)
        env = _child_environment(settings)
        worker = ["worker", f"--concurrency={concurrency}", "--queues=celery"]
        children = [
            ("web", _spawn(["web", "--host", host, "--port", str(port)], env, settings)),
            ("worker", _spawn(worker, env, settings)),
            ("mailer", _spawn(["mailer"], env, settings)),
            ("beat", _spawn(["beat"], env, settings)),
        ]
        base = f"http://{host}:{port}"
        _wait_ready(f"{base}/readyz", children)
        _announce(settings, base, links, time.monotonic() - started)
        return _watch(children)
    except Stop:
        print("\nplenary run: stopping …", flush=True)
        return 0
    finally:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not interrupt cleanup
        _stop_all(children)
        if redis_server:
            redis_server.stop()
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)


def _raise_stop(_signum, _frame) -> None:
    raise Stop


def _prepare_database(settings: Settings, demo: bool) -> dict[str, str]:
    from plenary.demo.seed import demo_sign_in_links, seed_demo
    from plenary.extensions import db
    from plenary.migrate import upgrade

    upgrade(settings.database_url)
    if not demo:
        return {}
    db.bind(settings.database_url)
    with db.transaction() as session:
        event = seed_demo(session, now=system_clock.now())
        links = demo_sign_in_links(session, event, settings.public_url, now=system_clock.now())
        links["event"] = f"{settings.public_url}/e/{event.slug}"
    db.remove()
    db.engine.dispose()
    return links


def _child_environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PLENARY_VAR_DIR=str(settings.var_dir),
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.effective_redis_url,
        SECRET_KEY=settings.secret_key,
        PUBLIC_URL=settings.public_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def _spawn(args: list[str], env: dict[str, str], settings: Settings) -> subprocess.Popen:
    log_dir = settings.var_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "plenary", *args],
        env=env,
        start_new_session=True,
        preexec_fn=_die_with_parent,
        stdout=sys.stdout,
        stderr=subprocess.STDOUT,
    )


def _die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_ready(url: str, children, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, child in children:
            if child.poll() is not None:
                raise StartupError(f"the {name} process exited with {child.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise StartupError(f"{url} did not answer 200 within {timeout:.0f}s")


def _announce(settings: Settings, base: str, links: dict[str, str], seconds: float) -> None:
    lines = [
        "",
        f"Plenary is running (ready in {seconds:.1f}s). Ctrl-C stops everything.",
        f"  web        {base}/",
        f"  readiness  {base}/readyz",
        f"  API        {base}/api/v1/events  ·  {base}/api/openapi.json",
        f"  database   {_redact(settings.database_url)}",
        f"  redis      {_redact(settings.effective_redis_url)}",
        f"  email      {(settings.smtp_url and _redact(settings.smtp_url)) or settings.outbox_dir}",
    ]
    if links:
        lines += ["", f"Demo forum: {links.pop('event')}", "Sign in as (personal join links):"]
        lines += [f"  {role:<10} {url}" for role, url in links.items()]
    print("\n".join(lines) + "\n", flush=True)


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    if url.startswith(("sqlite", "postgresql")):
        return make_url(url).render_as_string(hide_password=True)
    return url.split("@")[-1] if "@" in url else url


def _watch(children) -> int:
    while True:
        for name, child in children:
            if child.poll() is not None:
                print(f"plenary run: the {name} process exited ({child.returncode}); stopping",
                      file=sys.stderr, flush=True)  # fmt: skip
                return 1
        time.sleep(0.5)


def _stop_all(children, timeout: float = 15.0) -> None:
    for _name, child in children:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for _name, child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(max(0.1, deadline - time.monotonic()))
        _signal_group(child, signal.SIGKILL)  # whatever is left in the group (pool children)
        child.wait()


def _signal_group(child: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)
