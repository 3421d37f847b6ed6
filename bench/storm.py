"""Scenario 3 (join storm) and 5 (memory of idle attendees), against B, N and P.

    python -m bench join-storm [--attendees 3000] [--window 10] [--targets B,N,P] [--reps 3]
    python -m bench memory [--attendees 5000] [--deflate both|on|off] [--targets B,N,P]

Join storm: attendee i starts at i × window / attendees (open loop) and times connect +
`session:join` until the join ack; p50/p99 and the number refused. Memory: a fresh server
per run, RSS (/proc/<pid>/status) before, with all attendees connected and joined and idle,
and after one broadcast (when permessage-deflate is negotiated, compressing that frame is
what makes every connection hold its zlib state).
"""

from __future__ import annotations

from bench import procstat
from bench.runner import machine, run_loadgen, summary, table, write
from bench.targets import Target, make_target


def _attendees(target: Target, room: int, count: int) -> list:
    tokens = target.tokens(count)
    return [(tokens[i], room, target.urls[0]) for i in range(count)]


def join_storm(keys: list[str], attendees: int, window: float, reps: int) -> dict:
    info, runs = machine(), []
    targets = [make_target(key) for key in keys]
    try:
        for target in targets:
            target.prepare(attendees)
            target.start(1)
        rooms = {t.key: t.rooms(1)[0] for t in targets}
        for rep in range(reps):
            for target in targets:
                procstat.wait_quiet([pid for t in targets for pid in t.pids])
                spec = {"mode": "joinstorm", "server_pids": target.pids, "timeout": 30,
                        "attendees": _attendees(target, rooms[target.key], attendees),
                        "ramp": attendees / window}  # fmt: skip
                result = run_loadgen(spec)
                if "error" in result:
                    raise SystemExit(f"{target.key}: {result['error']}")
                result.update(target=target.key, rep=rep, loadavg=procstat.load_average())
                runs.append(result)
                print(f"  {target.key} rep {rep}: {result['joined']}/{attendees} joined in "
                      f"{result['wall_s']} s, join p50/p99 {result['join_p50_ms']}/"
                      f"{result['join_p99_ms']} ms, refused {result['refused']}, "
                      f"lg {100 * result['lg_cpu_frac']:.0f}%", flush=True)  # fmt: skip
    finally:
        for target in targets:
            target.stop()
    keys_ = ("joined", "refused", "wall_s", "joins_per_s", "join_p50_ms", "join_p99_ms",
             "join_max_ms", "server_cpu_s", "server_rss_mb", "lg_cpu_frac")  # fmt: skip
    rows = {t.key: summary([r for r in runs if r["target"] == t.key], keys_) for t in targets}
    print(table(["target", "joined", "refused (max)", "wall s", "joins/s", "join p50/p99 ms",
                 "server CPU-s", "RSS MB"],
                [[k, s["joined"], max(r["refused"] for r in runs if r["target"] == k),
                  s["wall_s"], s["joins_per_s"], f"{s['join_p50_ms']}/{s['join_p99_ms']}",
                  s["server_cpu_s"], s["server_rss_mb"]] for k, s in rows.items()]))  # fmt: skip
    payload = {"scenario": "join-storm", "machine": info, "attendees": attendees,
               "window_s": window, "rows": rows, "runs": runs}  # fmt: skip
    print(f"written {write('join-storm', payload)}")
    return payload


def memory(keys: list[str], attendees: int, deflate_variants: list[bool], reps: int,
           refuse_deflate: bool = False, ramp: int = 250) -> dict:  # fmt: skip
    """With refuse_deflate, B drops the client's permessage-deflate offer (bare_server.py).
    Attendees connect and join at `ramp` per second: one node's join rate (join-storm), so
    that the figure is the RSS of a joined crowd, not of a queue of half-joined ones."""
    info, runs = machine(), []
    for key in keys:
        target = make_target(key)
        if key == "B" and refuse_deflate:
            target.extra_args = ["--refuse-deflate"]
        target.prepare(attendees)
        for deflate in deflate_variants:
            for rep in range(reps):
                target.start(1)
                try:
                    room = target.rooms(1)[0]
                    spec = {"mode": "idle", "server_pids": target.pids, "deflate": deflate,
                            "attendees": _attendees(target, room, attendees), "ramp": ramp,
                            "settle": 3.0}  # fmt: skip
                    result = run_loadgen(spec)
                finally:
                    target.stop()
                if "error" in result:
                    raise SystemExit(f"{key}: {result['error']}")
                result.update(target=key, deflate=deflate, rep=rep)
                runs.append(result)
                print(f"  {key} deflate={deflate} rep {rep}: {result['joined']} joined, RSS "
                      f"{result['rss_before_mb']} → {result['rss_idle_mb']} idle → "
                      f"{result['rss_after_broadcast_mb']} MB after one broadcast "
                      f"(negotiated on {result['deflate_negotiated']})", flush=True)  # fmt: skip
    keys_ = ("joined", "rss_before_mb", "rss_idle_mb", "rss_after_broadcast_mb",
             "kb_per_conn_idle", "kb_per_conn_after_broadcast", "deflate_negotiated")  # fmt: skip
    rows = []
    for key in keys:
        for deflate in deflate_variants:
            mine = [r for r in runs if r["target"] == key and r["deflate"] == deflate]
            rows.append({"target": key, "deflate_offered": deflate, **summary(mine, keys_)})
    print(table(["target", "deflate offered", "negotiated", "joined", "RSS before/idle/after MB",
                 "KB per conn idle/after"],
                [[r["target"], r["deflate_offered"], r["deflate_negotiated"], r["joined"],
                  f"{r['rss_before_mb']}/{r['rss_idle_mb']}/{r['rss_after_broadcast_mb']}",
                  f"{r['kb_per_conn_idle']}/{r['kb_per_conn_after_broadcast']}"]
                 for r in rows]))  # fmt: skip
    name = "memory-refuse-deflate" if refuse_deflate else "memory"
    payload = {"scenario": name, "machine": info, "attendees": attendees, "rows": rows,
               "runs": runs}  # fmt: skip
    print(f"written {write(name, payload)}")
    return payload
