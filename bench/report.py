"""The summary table of docs/BENCHMARKS.md, in Markdown, from bench/results/*.json.

    python -m bench.report [--results DIR]

One row per scenario and configuration: Plenary (P), the bare Flask-SocketIO server (B),
Node's socket.io (N), the ratio the issue sets a target on, whether it is met, the load
average while it ran, the date and the exact command. Scenarios with no results file are
left out.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.runner import RESULTS


def _k(value: float | None) -> str:
    return "–" if value is None else f"{value / 1000:.1f}k"


def _fanout_cell(s: dict | None) -> str:
    if not s:
        return "–"
    lost = f", **{s['lost_total']} lost**" if s["lost_total"] else ", 0 lost"
    return f"{_k(s['deliveries_per_cpu_s'])}, {s['p50_ms']:.0f}/{s['p99_ms']:.0f} ms{lost}"


def _load(payload: dict, **match) -> str:
    loads = [r["loadavg"][0] for r in payload.get("runs", []) if "loadavg" in r
             and all(r.get(k) == v for k, v in match.items())]  # fmt: skip
    if not loads:
        loads = [payload["machine"]["loadavg_start"][0]]
    return f"{min(loads):.1f}–{max(loads):.1f}"


def _ratio(a, b) -> float | None:
    return round(a / b, 2) if a and b else None


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def fanout_rows(payload: dict, scenario: str) -> list[list]:
    rows = []
    for row in payload["rows"]:
        t = row["targets"]
        p, b, n = t.get("P"), t.get("B"), t.get("N")
        pb = _ratio(p and p["deliveries_per_cpu_s"], b and b["deliveries_per_cpu_s"])
        pn = _ratio(p and p["deliveries_per_cpu_s"], n and n["deliveries_per_cpu_s"])
        if scenario.startswith("2"):
            target, ok = "P/B ≥ 0.9", pb is not None and pb >= 0.9
        else:
            goal = 1.8 if row["rate"] >= 20 else 1.0
            target = f"P/B ≥ {goal}" + (", P ≥ N" if row["rate"] >= 50 else "")
            ok = pb is not None and pb >= goal and (row["rate"] < 50 or (pn or 0) >= 1)
            if row["rate"] == 20 and row["listeners"] == 1000:
                target += ", p99 ≤ 250 ms"
                ok = ok and p is not None and p["p99_ms"] <= 250
            ok = ok and p is not None and not p["lost_total"]
        label = (f"{scenario} · {row['rooms']} × {row['listeners']:,}, {row['rate']:g} msg/s"
                 + (f", {row['nodes']} nodes" if row["nodes"] > 1 else ""))  # fmt: skip
        rows.append([label, _fanout_cell(p), _fanout_cell(b), _fanout_cell(n),
                     ", ".join(x for x in (pb and f"P/B {pb}", pn and f"P/N {pn}") if x) or "–",
                     target,
                     _met(ok if p else None),
                     _load(payload, listeners=row["listeners"], rate=row["rate"])])  # fmt: skip
    return rows


def two_node_rows(payload: dict) -> list[list]:
    rows = []
    by = {(r["nodes"]): r["targets"] for r in payload["rows"]}
    if 1 not in by or 2 not in by:
        return rows
    for key in ("P", "B"):
        one, two = by[1].get(key), by[2].get(key)
        if not (one and two):
            continue
        growth = _ratio(one["deliveries_per_cpu_s"], two["deliveries_per_cpu_s"])
        cell = (
            f"1 node {_k(one['deliveries_per_cpu_s'])}, 2 nodes {_k(two['deliveries_per_cpu_s'])}"
        )
        rows.append([f"9 · two nodes, 1 × 1,000, 20 msg/s ({key})",
                     cell if key == "P" else "", cell if key == "B" else "", "–",
                     f"CPU/delivery ×{growth}", "≤ 1.15 (P)",
                     _met(growth is not None and growth <= 1.15) if key == "P" else "–",
                     _load(payload)])  # fmt: skip
    return rows


def storm_rows(payload: dict) -> list[list]:
    cells, ok = {}, None
    for key, s in payload["rows"].items():
        refused = max(r["refused"] for r in payload["runs"] if r["target"] == key)
        cells[key] = (f"p50/p99 {s['join_p50_ms']:.0f}/{s['join_p99_ms']:.0f} ms, "
                      f"{refused} refused, {s['server_cpu_s']} CPU-s")  # fmt: skip
        if key == "P":
            ok = s["join_p99_ms"] <= 1000 and refused == 0
    return [[f"3 · join storm, {payload['attendees']:,} in {payload['window_s']:g} s",
             cells.get("P", "–"), cells.get("B", "–"), cells.get("N", "–"), "–",
             "p99 ≤ 1 s, none refused", _met(ok), _load(payload)]]  # fmt: skip


def memory_rows(payload: dict) -> list[list]:
    cells, ok = {}, None
    for row in payload["rows"]:
        cells[row["target"]] = (f"{row['rss_idle_mb']:.0f} MB ({row['joined']:,} joined, "
                                f"deflate on {row['deflate_negotiated']:,})")  # fmt: skip
        if row["target"] == "P":
            ok = row["rss_idle_mb"] <= 450 and row["joined"] >= payload["attendees"]
    return [[f"5 · memory, {payload['attendees']:,} idle, deflate offered",
             cells.get("P", "–"), cells.get("B", "–"), cells.get("N", "–"), "–",
             "P ≤ 450 MB", _met(ok), _load(payload)]]  # fmt: skip


def attendance_rows(payload: dict) -> list[list]:
    rows = []
    for row in payload["table"]:
        rows.append([f"6 · attendance: {row['operation']}", f"{row['ours']:,.0f}/s", "–", "–",
                     f"{row['ratio']:.2f} × {row['baseline_kind']} ({row['baseline']:,.0f}/s)",
                     f"≥ {row['target']}" if row["target"] else "–", _met(row["met"]),
                     f"{payload['machine']['loadavg_start'][0]:.1f}"])  # fmt: skip
    return rows


def vote_rows(payload: dict) -> list[list]:
    cells, ok = {}, None
    for key, s in payload["rows"].items():
        cells[key] = (f"{int(s['votes_ok']):,}/{int(s['votes_sent']):,} acked, p50/p99 "
                      f"{s['ack_p50_ms']:.0f}/{s['ack_p99_ms']:.0f} ms, "
                      f"≤ {s['updated_per_question_s_max_all']} updates/s a question, "
                      f"exact: {'yes' if s['counts_exact_all'] else 'no'}")  # fmt: skip
        if key == "P":
            ok = (s["ack_p99_ms"] <= 200 and s["updated_per_question_s_max_all"] <= 2
                  and s["counts_exact_all"])  # fmt: skip
    return [["4 · vote storm, 1,000 voters × 2 of 20 questions, 100 votes/s",
             cells.get("P", "–"), cells.get("B", "–"), "–", "–",
             "ack p99 ≤ 200 ms, ≤ 2 updates/s, exact", _met(ok), _load(payload)]]  # fmt: skip


def registration_rows(payload: dict) -> list[list]:
    m = payload["median"]
    cell = (f"{m['per_second']}/s end to end, {m['most_smtp_open']} SMTP sessions at once, "
            f"{m['lost_total']} lost, {m['duplicates_total']} twice")  # fmt: skip
    return [[f"7 · registrations, {payload['count']:,} POSTs → emails, "
             f"{payload['smtp_latency'] * 1000:.0f} ms SMTP", cell, "–", "–", "–", "≥ 100/s",
             _met(m["per_second"] >= 100), _load(payload)]]  # fmt: skip


def certificate_rows(payload: dict) -> list[list]:
    m = payload["median"]
    cell = (f"{m['seconds']:.0f} s, {m['total_cpu_ms_per_certificate']} CPU-ms each, "
            f"nothing lost: {'yes' if payload['nothing_lost'] else 'no'}")  # fmt: skip
    return [[f"8 · certificates, {payload['people']:,} rendered and emailed", cell, "–", "–",
             "–", "≤ 60 s", _met(m["seconds"] <= 60 and payload["nothing_lost"]),
             _load(payload)]]  # fmt: skip


READERS = [
    ("plenary-1000.json", lambda p: fanout_rows(p, "1")),
    ("plenary-3000.json", lambda p: fanout_rows(p, "1")),
    ("plenary.json", lambda p: fanout_rows(p, "1")),
    ("breakouts.json", lambda p: fanout_rows(p, "2")),
    ("join-storm.json", storm_rows),
    ("vote-storm.json", vote_rows),
    ("memory.json", memory_rows),
    ("attendance.json", attendance_rows),
    ("registrations.json", registration_rows),
    ("certificates.json", certificate_rows),
    ("two-nodes.json", two_node_rows),
]


def report(folder: Path) -> str:
    headers = ["scenario", "Plenary (P)", "bare Flask-SocketIO (B)", "Node socket.io (N)",
               "ratio", "target", "met", "load avg", "date", "command"]  # fmt: skip
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for name, reader in READERS:
        path = folder / name
        if not path.exists():
            continue
        payload = json.loads(path.read_text())
        machine = payload["machine"]
        for row in reader(payload):
            row += [machine["date"][:16].replace("T", " "), f"`{machine.get('command', '?')}`"]
            lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    print(report(parser.parse_args().results))


if __name__ == "__main__":
    main()
