"""Room fan-out: scenario 1 (plenary room), 2 (breakouts) and 9 (two nodes), B vs N vs P.

    python -m bench plenary   [--listeners 1000,3000] [--rates 5,20,50] [--targets B,N,P]
    python -m bench breakouts [--rooms 50] [--listeners 40] [--rates 2]
    python -m bench two-nodes [--listeners 1000] [--rates 20] [--targets B,P]
    common: [--reps 3] [--duration 10] [--senders K] [--offer-deflate] [--smoke]

Each target runs pinned to core 0, the load generator to core 1. Per run: deliveries per
server CPU-second, p50/p99 latency (publisher timestamp in the body), loss, the load
generator's own CPU (a run above 80% of its core is void). Medians over the repetitions,
which are interleaved across targets so that noise on the shared machine hits all alike.
"""

from __future__ import annotations

import math
import time

from bench import procstat
from bench.runner import machine, plan, ratio, run_loadgen, summary, table, write
from bench.targets import Target, make_target

KEYS = ("deliveries_per_cpu_s", "p50_ms", "p99_ms", "server_cpu_s", "received", "expected",
        "lost", "lg_cpu_frac", "server_rss_mb", "window_s")  # fmt: skip
# A row whose p99 exceeds this (or that lost messages) is past the server's knee: its
# deliveries per CPU-second are those of a saturated server (writers drain queues in bulk)
# and do not compare with an unsaturated one.
OVERLOAD_P99_MS = 500.0
# Senders per room by default: rate × SPREAD, so each sends 1/SPREAD msg/s (0.67), under
# Plenary's per-person chat limit of 8 messages per 10 s.
SPREAD = 1.5


def configs(rooms: int, listeners: list[int], rates: list[float], senders: int | None) -> list:
    return [
        {"rooms": rooms, "listeners": n, "rate": rate,
         "senders": min(n, senders or max(2 if rooms > 1 else 5, math.ceil(rate * SPREAD)))}
        for n in listeners for rate in rates
    ]  # fmt: skip


def one_run(target: Target, rooms: list[int], tokens: list[str], cfg: dict, duration: float,
            run_id: str, smoke: bool, deflate: bool = False) -> dict:  # fmt: skip
    attendees, senders = plan(target, rooms, cfg["listeners"], cfg["senders"], tokens)
    spec = {
        "mode": "fanout", "attendees": attendees, "senders": senders, "rate": cfg["rate"],
        "duration": duration, "server_pids": target.pids, "run_id": run_id,
        "ramp": 1000 if smoke else 500, "drain": 5.0, "settle": 0.5 if smoke else 1.0,
        "deflate": deflate,
    }  # fmt: skip
    result = run_loadgen(spec)
    if "error" in result:
        raise SystemExit(f"{target.key} ({target.label}): {result['error']} "
                         f"{result.get('examples', '')}")  # fmt: skip
    return result


def run(scenario: str, keys: list[str], cfgs: list[dict], node_counts: list[int], reps: int,
        duration: float, smoke: bool = False, deflate: bool = False) -> dict:  # fmt: skip
    most = max(c["rooms"] * c["listeners"] for c in cfgs)
    targets = {key: make_target(key) for key in keys}
    info = machine()
    runs: list[dict] = []
    try:
        for target in targets.values():
            target.prepare(most)
        for nodes in node_counts:
            live = [t for k, t in targets.items() if not (k == "N" and nodes > 1)]
            for target in live:
                target.start(nodes)
            try:
                for cfg in cfgs:
                    rooms = {t.key: t.rooms(cfg["rooms"]) for t in live}
                    tokens = {t.key: t.tokens(most) for t in live}
                    for rep in range(reps):
                        for target in live:
                            procstat.wait_quiet([pid for t in live for pid in t.pids])
                            run_id = f"{int(time.time() * 1000)}-{target.key}{nodes}-{rep}"
                            result = one_run(target, rooms[target.key], tokens[target.key], cfg,
                                             duration, run_id, smoke, deflate)  # fmt: skip
                            result.update(target=target.key, nodes=nodes, rep=rep,
                                          loadavg=procstat.load_average(), **cfg)  # fmt: skip
                            runs.append(result)
                            print(_line(result), flush=True)
            finally:
                for target in live:
                    target.stop()
    finally:
        for target in targets.values():
            target.stop()
    rows = aggregate(runs, cfgs, node_counts, keys)
    payload = {"scenario": scenario, "machine": info, "reps": reps, "duration_s": duration,
               "deflate_offered": deflate, "rows": rows, "runs": runs}  # fmt: skip
    path = write(scenario, payload)
    print(render(rows, keys))
    print(f"written {path}; load average now {procstat.load_average()}")
    return payload


def aggregate(runs: list[dict], cfgs: list[dict], node_counts: list[int], keys: list[str]) -> list:
    rows = []
    for nodes in node_counts:
        for cfg in cfgs:
            row = {"nodes": nodes, **cfg, "targets": {}}
            for key in keys:
                mine = [r for r in runs if r["target"] == key and r["nodes"] == nodes
                        and r["listeners"] == cfg["listeners"] and r["rate"] == cfg["rate"]
                        and r["rooms"] == cfg["rooms"]]  # fmt: skip
                if mine:
                    row["targets"][key] = summary(mine, KEYS)
            rows.append(row)
    return rows


def render(rows: list[dict], keys: list[str]) -> str:
    headers = ["nodes", "rooms×listeners", "msg/s/room"]
    for key in keys:
        headers += [f"{key} deliv/CPU-s", f"{key} p50/p99 ms", f"{key} lost", f"{key} lg%"]
    headers += [f"{k}/B" for k in keys if k != "B"]
    out = []
    for row in rows:
        line = [row["nodes"], f"{row['rooms']}×{row['listeners']}", row["rate"]]
        for key in keys:
            s = row["targets"].get(key)
            if not s:
                line += ["-", "-", "-", "-"]
                continue
            void = " VOID" if s["void_runs"] else ""
            if s["lost_total"] or (s["p99_ms"] or 0) > OVERLOAD_P99_MS:
                void += " OVERLOADED"
            if s["rejected_total"]:
                void += f" {s['rejected_total']} SENDS REJECTED (try --senders)"
            line += [f"{s['deliveries_per_cpu_s']:.0f}" if s["deliveries_per_cpu_s"] else "-",
                     f"{s['p50_ms']}/{s['p99_ms']}", s["lost_total"],
                     f"{100 * (s['lg_cpu_max'] or 0):.0f}{void}"]  # fmt: skip
        base = row["targets"].get("B", {}).get("deliveries_per_cpu_s")
        for key in keys:
            if key != "B":
                line.append(ratio(row["targets"].get(key, {}).get("deliveries_per_cpu_s"), base))
        out.append(line)
    return table(headers, out)


def _line(r: dict) -> str:
    return (f"  {r['target']} nodes={r['nodes']} {r['rooms']}×{r['listeners']} @{r['rate']}/s "
            f"rep {r['rep']}: {r['received']}/{r['expected']} delivered, {r['sent']} sent "
            f"({r['rejected']} rejected {r['rejection_codes'] or ''}), "
            f"{r['deliveries_per_cpu_s']} per CPU-s, p50/p99 {r['p50_ms']}/{r['p99_ms']} ms, "
            f"lg {100 * r['lg_cpu_frac']:.0f}%{' VOID' if r['void'] else ''}, "
            f"load {r['loadavg'][0]}")  # fmt: skip
