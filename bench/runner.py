"""Shared plumbing for the scenarios: build the crowd's plan, run the pinned load generator,
take medians, print a table and write bench/results/<scenario>.json with the machine."""

from __future__ import annotations

import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import procstat
from bench.targets import ROOT, Target, pinned

LOADGEN_CORE = "1"
RESULTS = Path(__file__).resolve().parent / "results"


def plan(target: Target, rooms: list[int], listeners: int, senders: int,
         tokens: list[str]) -> tuple[list, dict]:  # fmt: skip
    """Attendees [(token, room, url)] spread over the target's nodes round-robin, and per room
    the indices of its senders: the first `senders` listeners of the room on node 0."""
    attendees, sending = [], {}
    for r, room in enumerate(rooms):
        chosen = []
        for i in range(listeners):
            g = r * listeners + i
            url = target.urls[i % len(target.urls)]
            attendees.append((tokens[g], room, url))
            if url == target.urls[0] and len(chosen) < senders:
                chosen.append(g)
        sending[str(room)] = chosen
    return attendees, sending


def run_loadgen(spec: dict, timeout: float = 600.0) -> dict:
    """Runs `python -m bench.loadgen` on the load generator's core; returns its JSON."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    try:
        done = subprocess.run(
            pinned([sys.executable, "-m", "bench.loadgen", "--spec", f"@{handle.name}"],
                   LOADGEN_CORE),
            cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"load generator failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def median_of(runs: list[dict], key: str):
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 2) if values else None


def summary(runs: list[dict], keys: tuple[str, ...]) -> dict:
    out = {key: median_of(runs, key) for key in keys}
    out["void_runs"] = sum(1 for r in runs if r.get("void"))
    out["lost_total"] = sum(r.get("lost", 0) for r in runs)
    out["rejected_total"] = sum(r.get("rejected", 0) for r in runs)
    out["lg_cpu_max"] = max((r.get("lg_cpu_frac", 0) for r in runs), default=None)
    return out


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    return {
        "cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
        "kernel": platform.release(), "commit": commit,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "loadavg_start": procstat.load_average(),
        "layout": "server taskset -c 0, load generator taskset -c 1",
        "command": os.environ.get("BENCH_COMMAND") or shlex.join(["python", *sys.argv]),
    }  # fmt: skip


def write(scenario: str, payload: dict) -> Path:
    """bench/results/<scenario>.json, or under $BENCH_RESULTS when set (tests)."""
    folder = Path(os.environ.get("BENCH_RESULTS") or RESULTS)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{scenario}.json"
    path.write_text(json.dumps(payload, indent=2))
    return path


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def ratio(a, b) -> float | None:
    return round(a / b, 2) if a and b else None
