"""Garbage-collector settings for a web node holding thousands of long-lived connections.

Measured (docs/BENCHMARKS.md, "GC pauses"): with 1,000 attendees connected, CPython's
default thresholds (700, 10, 10) run full collections of 100–260 ms during a chat burst,
because every young collection promotes whatever is in flight at that instant (queued
packets, frames being written) and each promotion counts toward the next full pass, which
then walks every connection's objects and every module, class and function imported at
start. Those stalls were the whole p99 tail of a room's delivery latency.

Two changes, both for the web node only:
- `gc.freeze()` once the app is built: what start-up made (modules, classes, SQLAlchemy
  mappers, Jinja2 templates) lives as long as the process, so full collections skip it.
- A young-generation threshold of 20,000 allocations instead of 700: ~30× fewer young
  collections, so ~30× fewer in-flight objects promoted, and full collections become rare.
  A young pass over 20,000 objects costs a few milliseconds.

Cyclic garbage is still collected; it lives a little longer before it is.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000
MIDDLE_THRESHOLD = 50
OLD_THRESHOLD = 50


def tune_for_long_lived_connections() -> None:
    """Collects what start-up left, freezes what it built, and raises the thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
