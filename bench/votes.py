"""Scenario 4: the Q&A vote storm, P against B (N has no Q&A handler).

    python -m bench vote-storm [--attendees 1000] [--questions 20] [--share 0.1]
                               [--window 20] [--targets P,B] [--reps 3] [--smoke]

A moderator asks the questions; the attendees join the session, then each votes on
`share` of the questions (every question gets the same number of votes), the votes spread
over `window` seconds on an open-loop schedule (bench/loadgen/votes.py). Per run: vote ack
p50/p99/max from the scheduled send, errors by code, `qa:updated` deliveries and the most
a sampled listener got for one question in one second, the final counts read back through
`GET /api/v1/sessions/<id>/questions` against the votes acked ok (`counts_exact`), server
CPU, votes and deliveries per server CPU-second, the load generator's CPU (above 80 %: void).

Targets: P is Plenary through the contract (seed-demo, demo-tokens, create-user for the
moderator, a live session with Q&A on). B is bench/baselines/bare_server.py, which counts in
memory and broadcasts one `qa:updated` per vote, as a server without coalescing does. Each
run gets a fresh server process (B's backlog of broadcasts must not spill into the next run)
and fresh questions; repetitions are interleaved across targets.
"""

from __future__ import annotations

import time

from bench import procstat
from bench.runner import machine, run_loadgen, summary, table, write
from bench.targets import Target, make_target

KEYS = ("votes_sent", "votes_ok", "errors", "ack_lost", "ack_p50_ms", "ack_p99_ms",
        "ack_max_ms", "updated_per_question_s_max", "updated_per_question_avg",
        "updated_delivered", "server_cpu_s", "votes_per_cpu_s", "deliveries_per_cpu_s",
        "lg_cpu_frac", "server_rss_mb", "acked_s", "window_s")  # fmt: skip
ACK_P99_TARGET_MS = 200.0
UPDATES_PER_S_TARGET = 2


def _room_and_moderator(target: Target) -> tuple[int, str, bool]:
    if target.key == "P":
        room, moderated = target.qa_room()
        return room, target.moderator_token(room), moderated
    return target.rooms(1)[0], "bench-moderator", False


def one_run(target: Target, cfg: dict, rep: int) -> dict:
    target.start(1)
    try:
        room, moderator, moderated = _room_and_moderator(target)
        tokens = target.tokens(cfg["voters"])
        url = target.urls[0]
        spec = {
            "mode": "votes", "server_pids": target.pids, "run_id": f"{int(time.time())}-{rep}",
            "attendees": [(t, room, url) for t in tokens], "moderator": (moderator, room, url),
            "reader": tokens[0], "questions": cfg["questions"], "share": cfg["share"],
            "window": cfg["window"], "ramp": cfg["ramp"], "settle": 1.0, "drain": 10.0,
            "seed": rep,
        }  # fmt: skip
        result = run_loadgen(spec)
    finally:
        target.stop()
    if "error" in result:
        raise SystemExit(f"{target.key} ({target.label}): {result['error']} "
                         f"{result.get('examples', '')}")  # fmt: skip
    result.update(target=target.key, rep=rep, moderated=moderated,
                  loadavg=procstat.load_average())  # fmt: skip
    return result


def vote_storm(keys: list[str], cfg: dict, reps: int, scenario: str = "vote-storm") -> dict:
    info, runs = machine(), []
    targets = [make_target(key) for key in keys]
    try:
        for target in targets:
            target.prepare(cfg["voters"])
        for rep in range(reps):
            for target in targets:
                result = one_run(target, cfg, rep)
                runs.append(result)
                print(_line(result), flush=True)
    finally:
        for target in targets:
            target.stop()
    rows = {}
    for target in targets:
        mine = [r for r in runs if r["target"] == target.key]
        rows[target.key] = {
            **summary(mine, KEYS),
            "counts_exact_all": all(r["counts_exact"] for r in mine),
            "listeners_saw_final_all": all(r["listeners_saw_final"] for r in mine),
            "updated_per_question_s_max_all": max(r["updated_per_question_s_max"] for r in mine),
            "error_codes": _merged(r["error_codes"] for r in mine),
        }  # fmt: skip
    print(render(rows))
    payload = {"scenario": scenario, "machine": info, "config": cfg, "reps": reps,
               "targets_ms": {"ack_p99": ACK_P99_TARGET_MS},
               "rows": rows, "runs": runs}  # fmt: skip
    print(f"written {write(scenario, payload)}; load average now {procstat.load_average()}")
    return payload


def render(rows: dict) -> str:
    headers = ["target", "votes ok/sent", "errors", "ack p50/p99/max ms", "qa:updated/s/q max",
               "deliveries", "server CPU-s", "votes/CPU-s", "deliv/CPU-s", "exact",
               "lg%"]  # fmt: skip
    out = []
    for key, s in rows.items():
        flags = " VOID" if s["void_runs"] else ""
        out.append([
            key, f"{s['votes_ok']}/{s['votes_sent']}", s["errors"] or 0,
            f"{s['ack_p50_ms']}/{s['ack_p99_ms']}/{s['ack_max_ms']}",
            s["updated_per_question_s_max_all"], s["updated_delivered"], s["server_cpu_s"],
            s["votes_per_cpu_s"], s["deliveries_per_cpu_s"],
            s["counts_exact_all"] and s["listeners_saw_final_all"],
            f"{100 * (s['lg_cpu_max'] or 0):.0f}{flags}",
        ])  # fmt: skip
    return table(headers, out)


def _merged(dicts) -> dict:
    out: dict[str, int] = {}
    for d in dicts:
        for code, n in d.items():
            out[code] = out.get(code, 0) + n
    return out


def _line(r: dict) -> str:
    return (f"  {r['target']} rep {r['rep']}: {r['votes_ok']}/{r['votes_sent']} votes ok "
            f"(errors {r['error_codes'] or 0}, {r['ack_lost']} unanswered), ack p50/p99/max "
            f"{r['ack_p50_ms']}/{r['ack_p99_ms']}/{r['ack_max_ms']} ms, qa:updated "
            f"{r['updated_delivered']} delivered, max {r['updated_per_question_s_max']}/s per "
            f"question, exact {r['counts_exact']} (listeners {r['listeners_saw_final']}), "
            f"server {r['server_cpu_s']} CPU-s, {r['votes_per_cpu_s']} votes/CPU-s, lg "
            f"{100 * r['lg_cpu_frac']:.0f}%{' VOID' if r['void'] else ''}, "
            f"load {r['loadavg'][0]}")  # fmt: skip
