"""Attendance operations per second through Plenary's code vs `redis-benchmark` running the
same Lua scripts (EVALSHA, same keys, -P 16) or the same read commands against the same Redis,
in the same run. Three repetitions; medians of rates and of per-run ratios.

    REDIS_URL=redis://127.0.0.1:6379/6 python -m bench.attendance [--runs 3]

WARNING: empties the Redis database it is given (default: REDIS_URL, else db 6 on localhost).
Writes bench/results/attendance.json and prints a table. Targets (issue 8, research
performance.md §6.2): own code ≥ 0.35 × redis-benchmark -P 16 for join/leave/refresh,
≥ 0.7 × for dashboard reads.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import redis

from bench.runner import machine, write
from plenary.attendance import figures, keys, presence, scripts

SESSION = 1
SESSIONS = 51  # the reference forum
PEOPLE = 3000
BATCH = 100  # joins/leaves per pipelined call (a node's join storm)
PER_SESSION = 300  # connections per session in one refresh call
READERS = 4  # dashboards read at once (redis-benchmark's side runs 50 clients)
BASE_N = 200_000
SCALE = 1.0  # every count above and below is multiplied by it; --smoke sets 0.02


def scaled(count: int) -> int:
    return max(int(count * SCALE), 20)


def redis_cli_args(url: str) -> list[str]:
    parsed = urlparse(url)
    if parsed.scheme == "unix":
        db = parse_qs(parsed.query).get("db", ["0"])[0]
        return ["-s", parsed.path, "--dbnum", db]
    db = (parsed.path or "/0").lstrip("/") or "0"
    return ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 6379), "--dbnum", db]


def redis_benchmark(url: str, command: list[str], *, n: int, pipeline: int = 16,
                    keyspace: int = 1_000_000) -> float:  # fmt: skip
    """Requests per second of redis-benchmark (50 clients) running `command`."""
    args = ["redis-benchmark", *redis_cli_args(url), "-c", "50", "-n", str(n), "-P",
            str(pipeline), "-r", str(keyspace), "--csv", *command]  # fmt: skip
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(io.StringIO(output)))
    return float(rows[1][1])


def now() -> datetime:
    return datetime.now(UTC)


def ours_join_leave(r: redis.Redis, total: int) -> tuple[float, float, bool]:
    """Joins then leaves of `total` connections, BATCH per round trip, with sids and people
    drawn like redis-benchmark's `__rand_int__` (-r 1000000), so both grow the same keys.
    Also whether the session counted every distinct person online after the joins and
    nobody after the leaves."""
    rng = random.Random(6)
    sids = {f"{rng.randrange(1_000_000):012d}" for _ in range(total)}
    changes = [("enter", sid, rng.randrange(1_000_000), SESSION) for sid in sids]
    total = len(changes)
    started = time.perf_counter()
    for start in range(0, total, BATCH):
        presence.apply_batch(r, node_id="bench", changes=changes[start : start + BATCH], now=now())
    join_rate = total / (time.perf_counter() - started)
    online = r.hlen(keys.session_key(SESSION, "online"))
    counted = online == len({person for _, _, person, _ in changes})
    leaves = [("leave", sid, 0, session) for _, sid, _, session in changes]
    started = time.perf_counter()
    for start in range(0, total, BATCH):
        presence.apply_batch(r, node_id="bench", changes=leaves[start : start + BATCH], now=now())
    leave_rate = total / (time.perf_counter() - started)
    counted = counted and r.hlen(keys.session_key(SESSION, "online")) == 0
    return join_rate, leave_rate, counted


def ours_single_join(r: redis.Redis, total: int) -> tuple[float, float]:
    """One call per socket event (unbatched) vs a bare redis-py EVALSHA loop of the script."""
    started = time.perf_counter()
    for i in range(total):
        presence.enter(r, node_id="single", sid=f"s{i}", person_id=i % PEOPLE + 1,
                       session_id=SESSION + 1, now=now())  # fmt: skip
    ours = total / (time.perf_counter() - started)
    k = keys.session_keys(SESSION + 2)
    enter_keys = [keys.node_conns("raw"), keys.NODES, k["online"], k["people"], k["uniq"],
                  k["stat"], k["series"], keys.ACTIVE]  # fmt: skip
    sha = scripts.SHAS["enter"]
    started = time.perf_counter()
    for i in range(total):
        ms = keys.millis(now())
        r.evalsha(sha, 8, *enter_keys, "raw", f"{SESSION + 2}|s{i}", i % PEOPLE + 1, ms,
                  keys.minute_of(ms), SESSION + 2)  # fmt: skip
    return ours, total / (time.perf_counter() - started)


def refresh_sids(nodes_sessions: int) -> list[tuple[str, int, int]]:
    return [(f"r{s}-{i}", (s * PER_SESSION + i) % PEOPLE + 1, 100 + s)
            for s in range(nodes_sessions) for i in range(PER_SESSION)]  # fmt: skip


def ours_refresh(r: redis.Redis, calls: int) -> float:
    """Connections refreshed per second: one node holding 10 sessions × 300 connections."""
    sids = refresh_sids(10)
    r.delete(keys.NODES)  # earlier phases' nodes would otherwise be expired inside the timing
    presence.refresh_node(r, node_id="refresher", sids=sids, now=now())
    started = time.perf_counter()
    for _ in range(calls):
        presence.refresh_node(r, node_id="refresher", sids=sids, now=now())
    return calls * len(sids) / (time.perf_counter() - started)


def ours_reads(r: redis.Redis, calls: int, readers: int = 1) -> float:
    """Redis commands per second of the dashboard's live read of all 51 sessions, by
    `readers` callers at once (a web node serves several organizers' dashboards at a time,
    each request its own greenlet and pooled connection; threads stand in for them here)."""
    ids = list(range(100, 100 + SESSIONS))
    figures.read_live(r, ids)  # connections made and the script cached before the clock runs

    def read(count: int) -> None:
        for _ in range(count):
            figures.read_live(r, ids)

    started = time.perf_counter()
    with ThreadPoolExecutor(readers) as pool:
        list(pool.map(read, [calls // readers] * readers))
    return (calls // readers) * readers * 3 * len(ids) / (time.perf_counter() - started)


def baseline_join(url: str) -> float:
    k = keys.session_keys(SESSION + 3)
    ms = keys.millis(now())
    command = ["EVALSHA", scripts.SHAS["enter"], "8", keys.node_conns("rb"), keys.NODES,
               k["online"], k["people"], k["uniq"], k["stat"], k["series"], keys.ACTIVE,
               "rb", f"{SESSION + 3}|__rand_int__", "__rand_int__", str(ms),
               str(keys.minute_of(ms)), str(SESSION + 3)]  # fmt: skip
    rate = redis_benchmark(url, command, n=scaled(BASE_N), keyspace=1_000_000)
    redis.Redis.from_url(url).zrem(keys.NODES, "rb")  # not a node anyone should expire
    return rate


def baseline_leave(r: redis.Redis, url: str) -> float:
    """The leave script on connections that exist (the node hash pre-filled with 1M)."""
    session = SESSION + 4
    key = keys.node_conns("rbl")
    prefill = scaled(1_000_000)
    for start in range(0, prefill, 20_000):
        r.hset(key, mapping={f"{session}|{i:012d}": i % PEOPLE + 1
                             for i in range(start, min(start + 20_000, prefill))})  # fmt: skip
    k = keys.session_keys(session)
    ms = keys.millis(now())
    command = ["EVALSHA", scripts.SHAS["leave"], "6", key, k["online"], k["people"], k["uniq"],
               k["stat"], k["series"], f"{session}|__rand_int__", str(ms),
               str(keys.minute_of(ms))]  # fmt: skip
    return redis_benchmark(url, command, n=scaled(100_000), keyspace=prefill)


def baseline_refresh(r: redis.Redis, url: str) -> float:
    """The refresh script with the same 300 connections per call; × 300 = connections/s."""
    session = 100
    sids = refresh_sids(1)
    presence.refresh_node(r, node_id="rbr", sids=sids, now=now())
    k = keys.session_keys(session)
    ms = keys.millis(now())
    pairs = [str(value) for sid, person, _ in sids for value in (sid, person)]
    command = ["EVALSHA", scripts.SHAS["refresh"], "7", keys.node_conns("rbr"), k["online"],
               k["people"], k["uniq"], k["stat"], k["series"], keys.ACTIVE, str(session),
               str(ms), str(keys.minute_of(ms)), *pairs]  # fmt: skip
    return redis_benchmark(url, command, n=scaled(20_000)) * PER_SESSION


def baseline_reads(url: str) -> float:
    """HLEN, SCARD and HMGET (the dashboard's three reads per session), -P 16: commands/s."""
    k = keys.session_keys(100)
    rates = [
        redis_benchmark(url, ["HLEN", k["online"]], n=scaled(BASE_N)),
        redis_benchmark(url, ["SCARD", k["uniq"]], n=scaled(BASE_N)),
        redis_benchmark(url, ["HMGET", k["stat"], "peak", "peak_at"], n=scaled(BASE_N)),
    ]
    return 3 / sum(1 / rate for rate in rates)  # the mix, one of each


def baseline_read_script(url: str) -> float:
    """The dashboard's read script itself at saturation (50 clients, -P 16): commands/s."""
    read_keys = [keys.session_key(i, part) for i in range(100, 100 + SESSIONS)
                 for part in ("online", "uniq", "stat")]  # fmt: skip
    command = ["EVALSHA", scripts.SHAS["read"], str(len(read_keys)), *read_keys]
    return redis_benchmark(url, command, n=scaled(20_000)) * 3 * SESSIONS


def one_run(r: redis.Redis, url: str) -> dict[str, float]:
    r.flushdb()
    scripts.load_all(r)
    join, leave, counted = ours_join_leave(r, scaled(30_000))
    single, raw_single = ours_single_join(r, scaled(3_000))
    result = {
        "join_ours": join,
        "join_redis_benchmark": baseline_join(url),
        "leave_ours": leave,
        "leave_redis_benchmark": baseline_leave(r, url),
        "refresh_ours": ours_refresh(r, scaled(100)),
        "refresh_redis_benchmark": baseline_refresh(r, url),
        "counts_exact": counted,
    }
    presence.refresh_node(r, node_id="reader", sids=[(f"x{s}", s, s) for s in range(100, 151)],
                          now=now())  # fmt: skip
    result["reads_ours"] = ours_reads(r, scaled(2_000), READERS)
    result["reads_ours_one_reader"] = ours_reads(r, scaled(2_000))
    result["reads_redis_benchmark"] = baseline_reads(url)
    result["read_script_redis_benchmark"] = baseline_read_script(url)
    result["single_join_ours"] = single
    result["single_join_plain_redis_py"] = raw_single
    return result


ROWS = [
    ("join (batched, 100/round trip)", "join_ours", "join_redis_benchmark", 0.35, "-P 16"),
    ("leave (batched, 100/round trip)", "leave_ours", "leave_redis_benchmark", 0.35, "-P 16"),
    ("refresh (connections/s)", "refresh_ours", "refresh_redis_benchmark", 0.35, "-P 16"),
    (f"dashboard reads, {READERS} readers (commands/s)", "reads_ours", "reads_redis_benchmark",
     0.7, "-P 16"),
    ("dashboard reads, one reader", "reads_ours_one_reader", "reads_redis_benchmark", None,
     "-P 16"),
    ("dashboard reads vs the same script", "reads_ours", "read_script_redis_benchmark", 0.35,
     "script -P 16"),
    ("join, one call per event", "single_join_ours", "single_join_plain_redis_py", 0.8,
     "redis-py loop"),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6")
    )
    parser.add_argument("--smoke", action="store_true", help="2 %% of every count, one run")
    args = parser.parse_args()
    global SCALE
    if args.smoke:
        SCALE, args.runs = 0.02, 1
    r = redis.Redis.from_url(args.redis_url, decode_responses=True)
    runs = [one_run(r, args.redis_url) for _ in range(args.runs)]
    r.flushdb()
    median = {name: statistics.median(run[name] for run in runs) for name in runs[0]
              if name != "counts_exact"}  # fmt: skip
    info = r.info("server")
    print(f"Redis {info['redis_version']} · {args.runs} runs, medians")
    print(f"{'operation':42} {'ours/s':>12} {'baseline/s':>12} {'baseline':>14} "
          f"{'ratio':>6} {'target':>7}")  # fmt: skip
    table = []
    for label, ours, base, target, kind in ROWS:
        # the ratio of each run (both sides measured minutes apart at most), then the median:
        # steadier than a ratio of medians on a shared machine
        ratio = statistics.median(run[ours] / run[base] for run in runs)
        table.append({"operation": label, "ours": median[ours], "baseline": median[base],
                      "baseline_kind": kind, "ratio": ratio, "target": target,
                      "met": None if target is None else ratio >= target})  # fmt: skip
        print(f"{label:42} {median[ours]:12,.0f} {median[base]:12,.0f} {kind:>14} "
              f"{ratio:6.2f} {'' if target is None else f'{target:7.2f}'}"
              f"{'' if target is None or ratio >= target else '  (short)'}")  # fmt: skip
    exact = all(run["counts_exact"] for run in runs)
    print(f"online counts after the joins and after the leaves: {'exact' if exact else 'WRONG'}")
    out = {"scenario": "attendance-smoke" if args.smoke else "attendance", "machine": machine(),
           "redis_version": info["redis_version"], "counts_exact": exact, "runs": runs,
           "median": median, "table": table}  # fmt: skip
    print(f"written {write(out['scenario'], out)}")
    if not exact:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
