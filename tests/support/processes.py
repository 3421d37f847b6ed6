"""Real `plenary` processes for tests where the wire matters: web nodes and Celery workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Running:
    name: str
    process: subprocess.Popen
    log_path: Path
    url: str | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kills the whole process group (a Celery worker's pool included)."""
        try:
            os.killpg(self.process.pid, sig)
            self.process.wait(15)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Processes:
    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.tmp_path = tmp_path
        self.running: list[Running] = []

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Running:
        log_path = self.tmp_path / f"{name}-{len(self.running)}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "plenary", *args],
            env={**self.env, **(env or {})},
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        running = Running(name, process, log_path)
        self.running.append(running)
        return running

    def web(self, port: int | None = None, env: dict[str, str] | None = None) -> Running:
        """A `plenary web` node, returned once /healthz answers."""
        port = port or free_port()
        url = f"http://127.0.0.1:{port}"
        node = self.start("web", ["web", "--port", str(port)], {"PUBLIC_URL": url, **(env or {})})
        node.url = url
        self.wait_until(lambda: requests.get(f"{url}/healthz", timeout=1).ok, node)
        return node

    def worker(self, *extra: str, env: dict[str, str] | None = None) -> Running:
        """A Celery worker process, returned once it is ready to take tasks."""
        node = self.start("worker", ["worker", *(extra or ("--concurrency=1",))], env)
        self.wait_until(lambda: "ready." in node.log(), node)
        return node

    def wait_until(self, condition, node: Running, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if node.process.poll() is not None:
                raise AssertionError(f"{node.name} exited early:\n{node.log()[-4000:]}")
            try:
                if condition():
                    return
            except (requests.RequestException, OSError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"{node.name} not ready in {timeout}s:\n{node.log()[-4000:]}")

    def stop_all(self) -> None:
        for node in self.running:
            if node.process.poll() is None:
                node.kill(signal.SIGTERM)
