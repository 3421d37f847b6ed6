"""P: Plenary itself, driven only through the CONTRACT: CLI, sessions API, Socket.IO.

Settings: DATABASE_URL from BENCH_DATABASE_URL (default: a SQLite file in the run's temp
folder), REDIS_URL from BENCH_REDIS_URL (default redis://127.0.0.1:6379/15, flushed
first; BENCH_REDIS_URL=embedded leaves REDIS_URL unset so Plenary starts its own).
Seeding: `plenary seed-demo`, then `plenary demo-tokens --event hr-forum --count N`.
Rooms: the sessions of hr-forum whose status is "live" (for breakouts, bench.plenary_seed
adds live copies of the demo's workshop until there are enough). Q&A (scenario 4): a live
session with Q&A on, and its moderator from `plenary create-user --role moderator`.
"""

from __future__ import annotations

import os
import subprocess
import sys

from bench.targets import DEFAULT_REDIS, ROOT, Target, get_json

EVENT = "hr-forum"


class Plenary(Target):
    key, label = "P", "Plenary (plenary web)"

    def _settings_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PLENARY_VAR_DIR"] = str(self.workdir / "var")
        env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or (
            f"sqlite:///{self.workdir / 'bench.db'}"
        )
        redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
        if redis_url == "embedded":
            env.pop("REDIS_URL", None)
        else:
            env["REDIS_URL"] = redis_url
        env.setdefault("LOG_LEVEL", "WARNING")
        return env

    def env(self, port: int) -> dict[str, str]:
        return {**self._settings_env(), "PUBLIC_URL": f"http://127.0.0.1:{port}"}

    def _plenary(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "plenary", *args], env=self._settings_env(),
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"plenary {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def prepare(self, attendees: int) -> None:
        if os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS) == DEFAULT_REDIS:
            import redis

            redis.Redis.from_url(DEFAULT_REDIS).flushdb()
        self._plenary("seed-demo")
        self._tokens = self._plenary("demo-tokens", "--event", EVENT, "--count",
                                     str(attendees)).split()  # fmt: skip
        if len(self._tokens) < attendees:
            raise SystemExit(f"demo-tokens gave {len(self._tokens)} tokens, {attendees} needed")

    def command(self, port: int, node: int, nodes: int) -> list[str]:
        return [sys.executable, "-m", "plenary", "web", "--port", str(port)]

    def tokens(self, count: int) -> list[str]:
        return self._tokens[:count]

    def live_sessions(self) -> list[int]:
        sessions = get_json(f"{self.urls[0]}/api/v1/events/{EVENT}/sessions")["sessions"]
        return [s["id"] for s in sessions if s["status"] == "live" and s.get("chat_enabled", True)]

    def rooms(self, count: int) -> list[int]:
        live = self.live_sessions()
        if len(live) < count:  # breakouts: more rooms than the demo has live sessions
            done = subprocess.run([sys.executable, "-m", "bench.plenary_seed", "--rooms",
                                   str(count)], env=self._settings_env(), cwd=ROOT,
                                  capture_output=True, text=True)  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(f"bench.plenary_seed failed:\n{done.stderr[-3000:]}")
            live = self.live_sessions()
        if len(live) < count:
            raise SystemExit(
                f"P: the demo forum has {len(live)} live session(s) with chat; this scenario "
                f"needs {count}, and bench.plenary_seed did not make more."
            )
        return live[:count]

    def qa_room(self) -> tuple[int, bool]:
        """A live session with Q&A on: (id, whether its questions are moderated)."""
        sessions = get_json(f"{self.urls[0]}/api/v1/events/{EVENT}/sessions")["sessions"]
        live = [s for s in sessions if s["status"] == "live" and s.get("qa_enabled")]
        if not live:
            raise SystemExit("P: the demo forum has no live session with Q&A on")
        return live[0]["id"], bool(live[0].get("qa_moderated"))

    def moderator_token(self, session_id: int) -> str:
        """A moderator of the session (created or updated: idempotent); the token printed last."""
        out = self._plenary("create-user", "bench-moderator@plenary.invalid", "--name",
                            "Bench Moderator", "--role", "moderator", "--event", EVENT,
                            "--session", str(session_id))  # fmt: skip
        return out.split()[-1]
