"""`plenary run` from an empty folder: up and answering, then Ctrl-C leaves no process behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest
import requests

from tests.support.processes import free_port


class Platform:
    """A `plenary run` process whose output is collected by a reader thread."""

    def __init__(self, folder, env: dict[str, str]) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "plenary", "run", "--port", str(port), "--concurrency", "1"],
            cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_announced(self, timeout: float = 90) -> float:
        """Seconds until /readyz answered 200 and the URLs were printed."""
        started = time.monotonic()
        ready = None
        while time.monotonic() - started < timeout:
            assert self.process.poll() is None, self.output
            if ready is None:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{self.base}/readyz", timeout=1).status_code == 200:
                        ready = time.monotonic() - started
            if ready is not None and "Ctrl-C stops everything" in self.output:
                return ready
            time.sleep(0.05)
        pytest.fail(f"not ready in {timeout}s:\n{self.output[-3000:]}")


def family(process: subprocess.Popen) -> list[psutil.Process]:
    """Every process started under `plenary run`, in whatever session it leads."""
    return psutil.Process(process.pid).children(recursive=True)


def command_lines(processes: list[psutil.Process]) -> str:
    """The command lines of those still running: a pool child may exit (and linger as a
    zombie for a moment) between the listing and the read."""
    lines = []
    for process in processes:
        with contextlib.suppress(psutil.Error):
            lines.append(" ".join(process.cmdline()))
    return " ".join(lines)


def run_and_stop(folder, env, stop_signal) -> tuple[float, str]:
    platform = Platform(folder, env)
    process, base = platform.process, platform.base
    try:
        seconds = platform.wait_announced()
        assert requests.get(f"{base}/e/hr-forum", timeout=5).status_code == 200
        sessions = requests.get(f"{base}/api/v1/events/hr-forum/sessions", timeout=5).json()
        assert any(s["status"] == "live" for s in sessions["sessions"])
        children = family(process)
        names = command_lines(children)
        assert "plenary web" in names and "plenary worker" in names and "plenary beat" in names
        assert "plenary mailer" in names
        process.send_signal(stop_signal)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    time.sleep(0.2)  # let the reader thread drain the pipe
    output = platform.output
    assert process.returncode == 0, output
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], [p.cmdline() for p in alive]
    return seconds, output


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_run_on_a_fresh_folder_uses_embedded_redis_and_sqlite(tmp_path, stop_signal):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PUBLIC_URL", "SMTP_URL")
    }
    seconds, output = run_and_stop(tmp_path, env, stop_signal)  # fmt: skip
    print(f"plenary run ready in {seconds:.1f}s (embedded Redis, SQLite)")
    assert "Sign in as" in output and "/join/" in output
    assert (tmp_path / "var" / "plenary.db").exists()
    assert (tmp_path / "var" / "appendonly.aof").exists() or (
        tmp_path / "var" / "appendonlydir").exists()  # fmt: skip
    assert not (tmp_path / "var" / "redis.sock").exists()  # the embedded Redis stopped too


@pytest.mark.slow
def test_run_on_configured_services(fresh, tmp_path):
    seconds, output = run_and_stop(tmp_path, {**os.environ, **fresh.env}, signal.SIGINT)
    print(f"plenary run ready in {seconds:.1f}s (configured database and Redis)")
    assert fresh.settings.redis_url.split("@")[-1].split("?")[0] in output or "redis" in output


def test_worker_runs_a_task_sent_by_name_from_the_web_tier(app, processes):
    from plenary.extensions import task_client

    processes.worker("--concurrency=1")
    result = task_client.send_task("plenary.ping", args=["hello"])
    assert result.get(timeout=30) == {"pong": "hello"}
