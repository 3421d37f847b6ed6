"""The load generator process: reads a JSON spec, drives the crowd, prints one JSON line.

    taskset -c 1 python -m bench.loadgen --spec '{"mode": "fanout", ...}'

Modes: `fanout` (attendees join rooms, senders publish on a fixed schedule, deliveries
counted and timed), `joinstorm` (attendees connect + join at a fixed rate, join times),
`idle` (attendees connect and stay; server RSS before, idle, after one broadcast),
`votes` (scenario 4, bench/loadgen/votes.py: a moderator asks, the attendees vote).
Spec keys: attendees [[token, room, url], ...], senders {room: [attendee index, ...]},
rate (messages/s per room), duration, ramp (attendees/s), server_pids, sample_every,
deflate, drain (s), settle (s). The process starts by one probe attendee and stops with
an `error` if the target does not answer `session:join`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from bench import procstat
from bench.loadgen.crowd import Crowd, percentile
from bench.loadgen.votes import VoteCrowd, run_votes

VOID_ABOVE = 0.80  # a load generator busier than this on its core may be the bottleneck


async def probe(crowd: Crowd, spec: dict) -> str | None:
    token, room, url = spec["attendees"][0]
    conn = crowd.new_conn()
    ok = await crowd.attend(conn, token, room, url=url, timeout=spec.get("probe_timeout", 10))
    conn.close()
    crowd.conns.remove(conn)
    crowd.join_ms.clear()
    if ok:
        return None
    return f"the target did not complete connect + session:join ({crowd.refused.pop()})"


async def publish(crowd: Crowd, room: int, senders: list, rate: float, duration: float,
                  t0: float, tally: dict, run_id: str) -> None:  # fmt: skip
    """Open loop: message k leaves at t0 + k/rate whatever happened to message k-1."""
    loop = asyncio.get_running_loop()
    total = int(duration * rate)
    for k in range(total):
        due = t0 + k / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            tally["max_lag_ms"] = max(tally["max_lag_ms"], -delay * 1000.0)
        conn = senders[k % len(senders)]
        if not conn.alive:
            tally["sender_dead"] += 1
            continue
        payload = {"session_id": room, "body": f"ts={time.time():.6f} room={room} k={k}",
                   "client_id": f"{run_id}-{room}-{k}"}  # fmt: skip
        future = conn.emit("chat:send", payload, ack=True)
        tally["sent"][room] = tally["sent"].get(room, 0) + 1
        future.add_done_callback(lambda f, room=room: _acked(f, room, tally))


def _acked(future, room: int, tally: dict) -> None:
    if future.cancelled() or future.exception() is not None:
        tally["ack_lost"] += 1
        return
    answer = future.result()
    if isinstance(answer, dict) and answer.get("ok"):
        tally["ok"] += 1
        return
    error = answer.get("error") if isinstance(answer, dict) else None
    code = error.get("code", "unknown") if isinstance(error, dict) else "no error object"
    tally["rejected"][room] = tally["rejected"].get(room, 0) + 1
    tally["codes"][code] = tally["codes"].get(code, 0) + 1


async def run_fanout(crowd: Crowd, spec: dict) -> dict:
    conns = await crowd.ramp([tuple(a) for a in spec["attendees"]], spec.get("ramp", 500))
    if crowd.refused:
        return {"error": f"{len(crowd.refused)} attendees refused", "examples": crowd.refused[:3]}
    members: dict[int, int] = {}
    for conn in conns:
        members[conn.rooms[0]] = members.get(conn.rooms[0], 0) + 1
    await asyncio.sleep(spec.get("settle", 1.0))
    pids, loop = spec["server_pids"], asyncio.get_running_loop()
    tally = {"sent": {}, "rejected": {}, "codes": {}, "ok": 0, "ack_lost": 0,
             "sender_dead": 0, "max_lag_ms": 0.0}  # fmt: skip
    cpu0, own0, wall0 = procstat.cpu_seconds(pids), procstat.own_cpu_seconds(), time.monotonic()
    t0 = loop.time() + 0.05
    await asyncio.gather(*(
        publish(crowd, int(room), [conns[i] for i in idx], spec["rate"], spec["duration"], t0,
                tally, spec.get("run_id", "bench"))
        for room, idx in spec["senders"].items()
    ))  # fmt: skip
    deadline = loop.time() + spec.get("drain", 5.0)
    while loop.time() < deadline:
        expected = sum((n - tally["rejected"].get(r, 0)) * members[r]
                       for r, n in tally["sent"].items())  # fmt: skip
        acked = tally["ok"] + sum(tally["rejected"].values())
        if crowd.counts.received >= expected and acked >= sum(tally["sent"].values()):
            break
        await asyncio.sleep(0.02)
    wall = time.monotonic() - wall0
    server_cpu, own_cpu = procstat.cpu_seconds(pids) - cpu0, procstat.own_cpu_seconds() - own0
    counts, sent = crowd.counts, sum(tally["sent"].values())
    expected = sum((n - tally["rejected"].get(r, 0)) * members[r] for r, n in tally["sent"].items())
    lat = counts.latencies_ms
    return {
        "attendees": len(conns), "rooms": len(members), "sent": sent,
        "rejected": sum(tally["rejected"].values()), "rejection_codes": tally["codes"],
        "ack_lost": tally["ack_lost"], "expected": expected, "received": counts.received,
        "lost": max(0, expected - counts.received), "extra": max(0, counts.received - expected),
        "batches": counts.batches, "seq_disorder": counts.seq_disorder,
        "window_s": round(wall, 3), "server_cpu_s": round(server_cpu, 3),
        "deliveries_per_cpu_s": round(counts.received / server_cpu) if server_cpu else None,
        "server_rss_mb": round(procstat.rss_mb(pids), 1),
        "lg_cpu_frac": round(own_cpu / wall, 3), "void": own_cpu / wall > VOID_ABOVE,
        "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95),
        "p99_ms": percentile(lat, 99), "max_ms": round(max(lat), 1) if lat else None,
        "latency_samples": len(lat), "publisher_max_lag_ms": round(tally["max_lag_ms"], 1),
        "join_p50_ms": percentile(crowd.join_ms, 50), "join_p99_ms": percentile(crowd.join_ms, 99),
    }  # fmt: skip


async def run_joinstorm(crowd: Crowd, spec: dict) -> dict:
    pids = spec["server_pids"]
    cpu0, own0, wall0 = procstat.cpu_seconds(pids), procstat.own_cpu_seconds(), time.monotonic()
    conns = await crowd.ramp([tuple(a) for a in spec["attendees"]], spec["ramp"],
                             timeout=spec.get("timeout", 30))  # fmt: skip
    wall = time.monotonic() - wall0
    own = procstat.own_cpu_seconds() - own0
    joined = len(crowd.join_ms)
    return {
        "attendees": len(conns), "joined": joined, "refused": len(crowd.refused),
        "refused_examples": crowd.refused[:3], "wall_s": round(wall, 3),
        "joins_per_s": round(joined / wall, 1),
        "join_p50_ms": percentile(crowd.join_ms, 50), "join_p99_ms": percentile(crowd.join_ms, 99),
        "join_max_ms": round(max(crowd.join_ms), 1) if crowd.join_ms else None,
        "server_cpu_s": round(procstat.cpu_seconds(pids) - cpu0, 3),
        "server_rss_mb": round(procstat.rss_mb(pids), 1),
        "lg_cpu_frac": round(own / wall, 3), "void": own / wall > VOID_ABOVE,
    }  # fmt: skip


async def run_idle(crowd: Crowd, spec: dict) -> dict:
    pids = spec["server_pids"]
    before = procstat.rss_mb(pids)
    conns = await crowd.ramp([tuple(a) for a in spec["attendees"]], spec.get("ramp", 500))
    await asyncio.sleep(spec.get("settle", 3.0))
    idle = procstat.rss_mb(pids)
    room = conns[0].rooms[0] if conns and conns[0].rooms else None
    if room is not None:  # one broadcast: every connection's compressor has now worked
        payload = {"session_id": room, "body": f"ts={time.time():.6f}",
                   "client_id": f"{spec.get('run_id', 'bench')}-idle"}  # fmt: skip
        conns[0].emit("chat:send", payload)
        deadline = time.monotonic() + 10
        while crowd.counts.received < len(crowd.join_ms) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
    after = procstat.rss_mb(pids)
    joined = len(crowd.join_ms)
    return {
        "attendees": len(conns), "joined": joined, "refused": len(crowd.refused),
        "deflate_negotiated": sum(1 for c in conns if c.ws and c.ws.inflater is not None),
        "rss_before_mb": round(before, 1), "rss_idle_mb": round(idle, 1),
        "rss_after_broadcast_mb": round(after, 1), "broadcast_received": crowd.counts.received,
        "kb_per_conn_idle": _per_conn(idle - before, joined),
        "kb_per_conn_after_broadcast": _per_conn(after - before, joined),
    }  # fmt: skip


def _per_conn(mb: float, conns: int) -> float | None:
    return round(mb * 1024 / conns, 1) if conns else None


async def main_async(spec: dict) -> dict:
    kind = VoteCrowd if spec["mode"] == "votes" else Crowd
    crowd = kind([], sample_every=spec.get("sample_every", 10), deflate=spec.get("deflate", False))
    error = await probe(crowd, spec)
    if error:
        return {"error": error}
    runner = {"fanout": run_fanout, "joinstorm": run_joinstorm, "idle": run_idle,
              "votes": run_votes}[spec["mode"]]  # fmt: skip
    result = await runner(crowd, spec)
    for conn in crowd.conns:
        conn.close()
    await asyncio.sleep(0.2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Plenary bench load generator")
    parser.add_argument("--spec", required=True, help="JSON spec, or @file")
    args = parser.parse_args()
    raw = Path(args.spec[1:]).read_text() if args.spec.startswith("@") else args.spec
    procstat.raise_nofile()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(main_async(json.loads(raw)))
    print(json.dumps(result), flush=True)
    sys.exit(1 if "error" in result else 0)


if __name__ == "__main__":
    main()
