"""The servers under test, each behind one small adapter: start pinned, hand out tokens and
rooms, stop.

B (bare Flask-SocketIO) and N (Node socket.io) accept any token and any room number.
P (Plenary) is driven only through what CONTRACT.md promises: `plenary seed-demo`,
`plenary demo-tokens`, the sessions API (status "live") and `plenary web`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
NODE_DIR = BENCH / "baselines" / "node"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
SERVER_CORE = "0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pinned(cmd: list[str], core: str) -> list[str]:
    return ["taskset", "-c", core, *cmd] if shutil.which("taskset") and core else cmd


class Target:
    """One kind of server; `start(nodes)` runs `nodes` processes of it on the server core."""

    key = "?"
    label = "?"

    def __init__(self, workdir: Path, core: str = SERVER_CORE) -> None:
        self.workdir = workdir
        self.core = core
        self.procs: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.logs: list[Path] = []
        self.extra_args: list[str] = []

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def command(self, port: int, node: int, nodes: int) -> list[str]:
        raise NotImplementedError

    def env(self, port: int) -> dict[str, str]:
        return dict(os.environ)

    def prepare(self, attendees: int) -> None:
        """Anything to do before the servers start (seed data); default nothing."""

    def start(self, nodes: int = 1) -> None:
        for node in range(nodes):
            port = free_port()
            log = self.workdir / f"{self.key}-{node}-{port}.log"
            proc = subprocess.Popen(
                pinned(self.command(port, node, nodes), self.core),
                env=self.env(port), cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            self.procs.append(proc)
            self.logs.append(log)
            self.urls.append(f"http://127.0.0.1:{port}")
        for proc, url, log in zip(self.procs, self.urls, self.logs, strict=True):
            wait_http(f"{url}/socket.io/?EIO=4&transport=polling", proc, log)

    def tokens(self, count: int) -> list[str]:
        return [f"bench-{i}" for i in range(count)]

    def rooms(self, count: int) -> list[int]:
        return list(range(1, count + 1))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(10)
                except ProcessLookupError:
                    pass
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self.procs, self.urls, self.logs = [], [], []


class Bare(Target):
    key, label = "B", "bare Flask-SocketIO (gevent)"

    def command(self, port: int, node: int, nodes: int) -> list[str]:
        cmd = [sys.executable, str(BENCH / "baselines" / "bare_server.py"), "--port", str(port)]
        cmd += self.extra_args
        if nodes > 1:
            cmd += ["--message-queue", os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
                    "--channel", f"bench-socketio-{os.getpid()}"]  # fmt: skip
        return cmd


class Node(Target):
    key, label = "N", "Node socket.io 4"

    @staticmethod
    def available() -> bool:
        return shutil.which("node") is not None

    def prepare(self, attendees: int) -> None:
        if not (NODE_DIR / "node_modules" / "socket.io").exists():
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"],
                           cwd=NODE_DIR, check=True)  # fmt: skip

    def command(self, port: int, node: int, nodes: int) -> list[str]:
        if nodes > 1:
            raise SystemExit("N runs on one node only (no Redis adapter installed)")
        return ["node", str(NODE_DIR / "server.js"), "--port", str(port)]


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server not answering {url} after {timeout}s:\n{log.read_text()[-3000:]}")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def make_target(key: str, workdir: Path | None = None) -> Target:
    from bench.plenary_target import Plenary

    workdir = workdir or Path(tempfile.mkdtemp(prefix=f"bench-{key}-"))
    return {"B": Bare, "N": Node, "P": Plenary}[key](workdir)
