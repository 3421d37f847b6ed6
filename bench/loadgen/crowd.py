"""Many Socket.IO connections in one process: connect, join, count and time deliveries.

Every `chat:message` frame counts one delivery; a `room:batch` frame counts one per inner
`chat:message`. On sampled connections (every k-th) frames are decoded: the latency is
now minus the `ts=` the publisher wrote into the body, and the inner events of a batch
are taken in order, checking that `seq` only grows per session.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

from bench.loadgen.sio import Refused, SioConn

CHAT = '42["chat:message"'
BATCH = '42["room:batch"'
INNER_CHAT = '["chat:message",'


@dataclass
class Counts:
    received: int = 0
    batches: int = 0
    other_events: int = 0
    seq_disorder: int = 0
    latencies_ms: list[float] = field(default_factory=list)


def body_ts(body: str) -> float | None:
    i = body.find("ts=")
    if i < 0:
        return None
    j = body.find(" ", i)
    try:
        return float(body[i + 3 : j if j > 0 else None])
    except ValueError:
        return None


class Crowd:
    """Holds the connections and the counters their frames update."""

    def __init__(self, urls: list[str], *, sample_every: int = 10, deflate: bool = False) -> None:
        self.urls = urls
        self.sample_every = max(1, sample_every)
        self.deflate = deflate
        self.conns: list[SioConn] = []
        self.counts = Counts()
        self.refused: list[str] = []
        self.join_ms: list[float] = []

    def on_event(self, conn: SioConn, text: str) -> None:
        counts = self.counts
        if text.startswith(CHAT):
            counts.received += 1
            if conn.sampled:
                self._sampled(conn, [json.loads(text[2:])])
        elif text.startswith(BATCH):
            counts.batches += 1
            counts.received += text.count(INNER_CHAT)
            if conn.sampled:
                self._sampled(conn, json.loads(text[2:])[1]["events"])
        else:
            counts.other_events += 1

    def _sampled(self, conn: SioConn, events: list) -> None:
        now = time.time()
        counts = self.counts
        for name, payload in events:
            if name != "chat:message":
                continue
            session, seq = payload.get("session_id"), payload.get("seq")
            last = conn.last_seq.get(session)
            if last is not None and seq is not None and seq <= last:
                counts.seq_disorder += 1
            conn.last_seq[session] = seq
            ts = body_ts(payload["message"]["body"])
            if ts is not None:
                counts.latencies_ms.append((now - ts) * 1000.0)

    def new_conn(self) -> SioConn:
        conn = SioConn(self.on_event, tag=len(self.conns))
        conn.sampled = conn.tag % self.sample_every == 0
        self.conns.append(conn)
        return conn

    async def attend(self, conn: SioConn, token: str, room: int, *, url: str,
                     timeout: float = 30.0) -> bool:  # fmt: skip
        """Connect with auth {"token"} and `session:join`; False (and noted) if refused."""
        started = time.perf_counter()
        step = "connect"
        try:
            await conn.connect(url, {"token": token}, deflate=self.deflate, timeout=timeout)
            step = "session:join"
            answer = await asyncio.wait_for(
                conn.emit("session:join", {"session_id": room}, ack=True), timeout
            )
        except TimeoutError:  # before OSError: TimeoutError is one
            self.refused.append(f"no answer to {step} within {timeout:g} s")
            return False
        except (Refused, OSError, ConnectionError) as exc:
            self.refused.append(f"{step}: {type(exc).__name__}: {exc}"[:200])
            return False
        if not (isinstance(answer, dict) and answer.get("ok")):
            self.refused.append(f"session:join answered {json.dumps(answer)[:200]}")
            return False
        self.join_ms.append((time.perf_counter() - started) * 1000.0)
        conn.rooms.append(room)
        return True

    async def ramp(self, plan: list[tuple[str, int, str]], per_second: float,
                   timeout: float = 30.0) -> list[SioConn]:  # fmt: skip
        """Starts attendee i of `plan` [(token, room, url)] at t0 + i/per_second (open loop)."""
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        tasks, conns = [], []
        for i, (token, room, url) in enumerate(plan):
            delay = t0 + i / per_second - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            conn = self.new_conn()
            conns.append(conn)
            tasks.append(loop.create_task(self.attend(conn, token, room, url=url, timeout=timeout)))
        await asyncio.gather(*tasks)
        return conns


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100.0 * (len(ordered) - 1))))
    return round(ordered[k], 2)
