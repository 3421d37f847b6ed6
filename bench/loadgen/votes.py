"""Scenario 4 in the load generator: a Q&A vote storm on one session.

A moderator asks the questions (`qa:ask`, approved with `qa:moderate` when they come back
pending), the voters join, then vote k of the storm leaves at t0 + k × window / total
whatever happened before (open loop). Per vote: the time from its scheduled send to its ack
and the ack's error code. Every `qa:updated` counts as a delivery (also inside
`room:batch`); sampled listeners decode them and keep, per question, the receive times (the
most seen in any one second) and the last count seen. At the end the counts are read back
through `GET /api/v1/sessions/<id>/questions` and compared with the votes acked ok.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import urllib.request

from bench import procstat
from bench.loadgen.crowd import Crowd, percentile
from bench.loadgen.sio import SioConn

UPDATED = '42["qa:updated"'
BATCH = '42["room:batch"'
INNER_UPDATED = '["qa:updated",'


class VoteCrowd(Crowd):
    """A crowd that counts `qa:updated` deliveries and watches them on sampled listeners."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.updated = 0
        self.seen: dict[tuple[int, int], list[float]] = {}  # (conn tag, question) -> times
        self.last_votes: dict[tuple[int, int], tuple[int, int]] = {}  # -> (seq, votes)

    def on_event(self, conn: SioConn, text: str) -> None:
        if text.startswith(UPDATED):
            self.updated += 1
            if conn.sampled:
                self._watch(conn, [json.loads(text[2:])])
        elif text.startswith(BATCH):
            self.counts.batches += 1
            inner = text.count(INNER_UPDATED)
            self.updated += inner
            if inner and conn.sampled:
                self._watch(conn, json.loads(text[2:])[1]["events"])
        else:
            self.counts.other_events += 1

    def _watch(self, conn: SioConn, events: list) -> None:
        now = time.monotonic()
        for name, payload in events:
            if name != "qa:updated":
                continue
            question, seq = payload["question"], payload.get("seq") or 0
            key = (conn.tag, question["id"])
            self.seen.setdefault(key, []).append(now)
            last = self.last_votes.get(key)
            if last is None or seq >= last[0]:
                self.last_votes[key] = (seq, question["votes"])


def max_in_one_second(times: list[float]) -> int:
    """The most events inside any window [t, t + 1 s) of the sorted receive times."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def storm_plan(voters: int, questions: int, share: float, seed: int) -> list[tuple[int, int]]:
    """(voter, question) pairs: each voter on round(share × questions) questions, spread so
    every question gets the same number of votes, in a seeded random order."""
    each = max(1, min(questions, round(share * questions)))
    pairs = [(v, (v + j) % questions) for v in range(voters) for j in range(each)]
    random.Random(seed).shuffle(pairs)
    return pairs


async def ask_questions(crowd: VoteCrowd, moderator: SioConn, room: int, count: int,
                        run_id: str) -> tuple[list[int], int]:  # fmt: skip
    """The moderator asks `count` questions; pending ones are approved. (ids, approvals)."""
    ids, approved = [], 0
    for i in range(count):
        payload = {"session_id": room, "body": f"Bench question {i + 1} of run {run_id}?",
                   "client_id": f"{run_id}-q{i}"}  # fmt: skip
        answer = await asyncio.wait_for(moderator.emit("qa:ask", payload, ack=True), 30)
        if not answer.get("ok"):
            raise RuntimeError(f"qa:ask answered {json.dumps(answer)[:300]}")
        question = answer["question"]
        if question["status"] == "pending":
            ok = await asyncio.wait_for(moderator.emit("qa:moderate", {
                "session_id": room, "question_id": question["id"], "action": "approve"},
                ack=True), 30)  # fmt: skip
            if not ok.get("ok"):
                raise RuntimeError(f"qa:moderate answered {json.dumps(ok)[:300]}")
            approved += 1
        ids.append(question["id"])
    return ids, approved


def read_counts(url: str, room: int, token: str) -> dict[int, int]:
    """Question id -> votes, from the REST list (what an attendee sees)."""
    request = urllib.request.Request(f"{url}/api/v1/sessions/{room}/questions",
                                     headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    return {q["id"]: q["votes"] for q in body["questions"]}


async def run_votes(crowd: VoteCrowd, spec: dict) -> dict:
    loop = asyncio.get_running_loop()
    run_id = spec.get("run_id", "bench")
    token, room, url = spec["moderator"]
    moderator = crowd.new_conn()
    moderator.sampled = False
    if not await crowd.attend(moderator, token, room, url=url):
        return {"error": f"moderator could not join: {crowd.refused[-1]}"}
    try:
        ids, approved = await ask_questions(crowd, moderator, room, spec["questions"], run_id)
    except (RuntimeError, TimeoutError) as exc:
        return {"error": f"asking the questions: {exc}"}
    voters = await crowd.ramp([tuple(a) for a in spec["attendees"]], spec.get("ramp", 250))
    if crowd.refused:
        return {"error": f"{len(crowd.refused)} voters refused", "examples": crowd.refused[:3]}
    await asyncio.sleep(spec.get("settle", 1.0))
    crowd.updated = 0
    crowd.seen.clear()

    plan = storm_plan(len(voters), len(ids), spec.get("share", 1.0), spec.get("seed", 8))
    window = spec["window"]
    tally = {"ok": {}, "codes": {}, "lost": 0, "lat": [], "max_lag_ms": 0.0}
    pids = spec["server_pids"]
    cpu0, own0, wall0 = procstat.cpu_seconds(pids), procstat.own_cpu_seconds(), time.monotonic()
    t0 = loop.time() + 0.05
    pending: list[asyncio.Future] = []
    for k, (v, q) in enumerate(plan):
        due = t0 + k * window / len(plan)
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            tally["max_lag_ms"] = max(tally["max_lag_ms"], -delay * 1000.0)
        future = voters[v].emit("qa:vote", {"session_id": room, "question_id": ids[q],
                                            "up": True}, ack=True)  # fmt: skip
        future.add_done_callback(lambda f, due=due, q=ids[q]: _acked(f, due, q, tally, loop))
        pending.append(future)
    sent_s = time.monotonic() - wall0
    drain = spec.get("drain", 10.0)
    _, late = await asyncio.wait(pending, timeout=drain)
    for future in late:
        future.cancel()
    acked_s = time.monotonic() - wall0
    # The coalesced stream ends on the final counts: wait for the sampled listeners to see
    # them (at most one interval plus a batch window after the last ack; bounded by drain).
    watched = [c for c in voters if c.sampled]
    deadline = loop.time() + drain
    while loop.time() < deadline and not _settled(crowd, watched, ids, tally["ok"]):
        await asyncio.sleep(0.05)
    wall = time.monotonic() - wall0
    server_cpu, own_cpu = procstat.cpu_seconds(pids) - cpu0, procstat.own_cpu_seconds() - own0

    try:
        read = await loop.run_in_executor(None, read_counts, url, room, spec["reader"])
        read_error = None
    except OSError as exc:
        read, read_error = {}, f"{type(exc).__name__}: {exc}"
    acked_ok = sum(tally["ok"].values())
    final = {q: read.get(q) for q in ids}
    exact = not read_error and not tally["lost"] and all(
        final[q] == tally["ok"].get(q, 0) for q in ids
    )  # fmt: skip
    listeners_final = _settled(crowd, watched, ids, tally["ok"])
    per_second = {q: max((max_in_one_second(t) for (c, qq), t in crowd.seen.items() if qq == q),
                         default=0) for q in ids}  # fmt: skip
    if spec.get("dismiss", True):  # keep the room's question list short for the next run
        for q in ids:
            moderator.emit("qa:moderate", {"session_id": room, "question_id": q,
                                           "action": "dismiss"})  # fmt: skip
    lat = tally["lat"]
    n_sampled = len(watched)
    return {
        "voters": len(voters), "questions": len(ids), "approved": approved,
        "votes_sent": len(plan), "votes_ok": acked_ok,
        "errors": sum(tally["codes"].values()), "error_codes": tally["codes"],
        "ack_lost": tally["lost"], "sent_s": round(sent_s, 3), "acked_s": round(acked_s, 3),
        "window_s": round(wall, 3), "server_cpu_s": round(server_cpu, 3),
        "votes_per_cpu_s": round(acked_ok / server_cpu, 1) if server_cpu else None,
        "updated_delivered": crowd.updated,
        "deliveries_per_cpu_s": round(crowd.updated / server_cpu) if server_cpu else None,
        "batches": crowd.counts.batches,
        "updated_per_question_s_max": max(per_second.values(), default=0),
        "updated_per_question_avg": round(
            sum(len(t) for t in crowd.seen.values()) / (n_sampled * len(ids)), 1
        ) if n_sampled and ids else None,
        "sampled_listeners": n_sampled,
        "counts_exact": exact, "listeners_saw_final": listeners_final,
        "final_counts": {str(q): final[q] for q in ids},
        "acked_counts": {str(q): tally["ok"].get(q, 0) for q in ids},
        "read_error": read_error,
        "ack_p50_ms": percentile(lat, 50), "ack_p99_ms": percentile(lat, 99),
        "ack_max_ms": round(max(lat), 1) if lat else None,
        "publisher_max_lag_ms": round(tally["max_lag_ms"], 1),
        "server_rss_mb": round(procstat.rss_mb(pids), 1),
        "lg_cpu_frac": round(own_cpu / wall, 3), "void": own_cpu / wall > 0.80,
        "join_p50_ms": percentile(crowd.join_ms, 50), "join_p99_ms": percentile(crowd.join_ms, 99),
    }  # fmt: skip


def _acked(future, due: float, question: int, tally: dict, loop) -> None:
    if future.cancelled() or future.exception() is not None:
        tally["lost"] += 1
        return
    tally["lat"].append((loop.time() - due) * 1000.0)
    answer = future.result()
    if isinstance(answer, dict) and answer.get("ok"):
        tally["ok"][question] = tally["ok"].get(question, 0) + 1
        return
    error = answer.get("error") if isinstance(answer, dict) else None
    code = error.get("code", "unknown") if isinstance(error, dict) else "no error object"
    tally["codes"][code] = tally["codes"].get(code, 0) + 1


def _settled(crowd: VoteCrowd, watched: list, ids: list[int], ok: dict[int, int]) -> bool:
    """Every sampled listener's last `qa:updated` of every question carries the acked count."""
    for conn in watched:
        for q in ids:
            last = crowd.last_votes.get((conn.tag, q))
            if ok.get(q, 0) and (last is None or last[1] != ok[q]):
                return False
    return True
