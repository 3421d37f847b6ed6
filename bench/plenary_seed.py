"""Extra live sessions for Plenary's breakout scenario: the demo forum has only a few.

    python -m bench.plenary_seed --rooms 50      (settings from the environment, as plenary's)

Copies the demo's `live-workshop` session as `bench-room-1..N`, live from ten minutes ago
for six hours, chat on, no slow mode. Idempotent. This is seeding, like `plenary seed-demo`:
the benchmark itself still talks to Plenary only through its API and sockets.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from sqlalchemy import select


def seed_rooms(count: int) -> int:
    from plenary.clock import system_clock
    from plenary.config import load_settings
    from plenary.extensions import db
    from plenary.models import EventSession

    db.bind(load_settings().database_url)
    session = db.session()
    now = system_clock.now()
    model = session.scalar(select(EventSession).where(EventSession.code == "live-workshop"))
    if model is None:
        raise SystemExit("no live-workshop session: run `plenary seed-demo` first")
    for i in range(1, count + 1):
        code = f"bench-room-{i}"
        found = session.scalar(select(EventSession).where(EventSession.code == code))
        if found is None:
            found = EventSession(event_id=model.event_id, code=code)
            session.add(found)
        found.title, found.kind, found.room = f"Bench breakout {i}", model.kind, model.room
        found.day_id, found.track_id = model.day_id, model.track_id
        found.languages, found.streams = list(model.languages), dict(model.streams)
        found.chat_enabled, found.qa_enabled, found.slow_mode_seconds = True, True, 0
        found.cancelled, found.ended_at = False, None
        found.starts_at, found.ends_at = now - timedelta(minutes=10), now + timedelta(hours=6)
    session.commit()
    session.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, required=True)
    print(f"{seed_rooms(parser.parse_args().rooms)} bench rooms live")


if __name__ == "__main__":
    main()
