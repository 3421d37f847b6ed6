"""Time from `plenary run` in an empty folder to a 200 from /readyz, three times, median.

    python -m bench.startup [--runs 3]

Embedded Redis and SQLite (no DATABASE_URL/REDIS_URL), the demo forum seeded: what a
person gets from the README's first command once packages are installed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

UNSET = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PUBLIC_URL", "SMTP_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_run() -> float:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "plenary", "run", "--port", str(port)],
            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"plenary run exited with {process.returncode}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                        return time.monotonic() - started
                except OSError:
                    time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seconds = [one_run() for _ in range(args.runs)]
    result = {"scenario": "startup", "runs": seconds, "median_s": statistics.median(seconds)}
    print(f"plenary run → /readyz 200: median {result['median_s']:.2f} s over {args.runs} runs "
          f"({', '.join(f'{s:.2f}' for s in seconds)})")  # fmt: skip
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "startup.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
