"""CPU seconds, RSS and load average from /proc (Linux only), for servers and for ourselves.

A target's CPU is the utime+stime of its process and of every live descendant, plus what
its reaped children used (cutime+cstime): a multi-process target counts whole.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: split after its closing parenthesis
    return raw[raw.rindex(")") + 2 :].split()


def children_of(pids: set[int]) -> set[int]:
    """pids and all their live descendants."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields:
                parent[int(entry)] = int(fields[1])
    found = set(pids)
    grew = True
    while grew:
        more = {pid for pid, ppid in parent.items() if ppid in found and pid not in found}
        found |= more
        grew = bool(more)
    return found


def cpu_seconds(pids: list[int]) -> float:
    """utime+stime of pids and their descendants (+ reaped children of the roots)."""
    total = 0
    roots = set(pids)
    for pid in children_of(roots):
        fields = _stat(pid)
        if not fields:
            continue
        # after the name: state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14
        total += int(fields[11]) + int(fields[12])
        if pid in roots:
            total += int(fields[13]) + int(fields[14])
    return total / TICK


def rss_mb(pids: list[int]) -> float:
    """VmRSS of pids and their descendants, in MB."""
    total_kb = 0
    for pid in children_of(set(pids)):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024.0


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def raise_nofile() -> None:
    """Raise the soft open-files limit to the hard one (thousands of sockets)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def pid_cpu_seconds(pids: list[int]) -> dict[int, float]:
    """utime+stime of each pid alone (no descendants); pids that are gone are left out."""
    found = {}
    for pid in pids:
        fields = _stat(pid)
        if fields:
            found[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def wait_quiet(pids: list[int], *, busy: float = 0.05, window: float = 0.5,
               timeout: float = 30.0) -> float:  # fmt: skip
    """Waits until the processes use less than `busy` of a core over `window` seconds (the
    previous run's disconnects handled: all targets share the server core), at most
    `timeout`; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = cpu_seconds(pids)
        time.sleep(window)
        if cpu_seconds(pids) - before < busy * window:
            break
    return round(time.monotonic() - started, 2)
