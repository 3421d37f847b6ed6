"""The command line, run as a real process: good input works, bad input says one clear line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def plenary(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "plenary", *args], env={**os.environ, **env},
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_create_user_grants_the_role_and_prints_a_token_last(fresh, make, client):
    make.event(slug="forum")
    done = plenary("create-user", "Chair@Example.org", "--name", "Chair", "--role", "organizer",
                   "--event", "forum", env=fresh.env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["user"]["email"] == "chair@example.org"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["create-user", "not-an-email", "--name", "X"], "not an email address"),
        (["create-user", "a@example.org", "--name", "X", "--role", "organizer"],
         "--role needs --event"),
        (["create-user", "a@example.org", "--name", "X", "--role", "organizer", "--event",
          "nope"], "no event 'nope'"),
        (["demo-tokens", "--event", "nope", "--count", "3"], "no event 'nope'"),
        (["demo-tokens", "--event", "forum", "--count", "0"], "--count must be between"),
    ],
)  # fmt: skip
def test_bad_arguments_get_one_line_and_change_nothing(fresh, make, db, args, says):
    from plenary.models import Person

    make.event(slug="forum")
    before = db.query(Person).count()
    done = plenary(*args, env=fresh.env)
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr
    db.expire_all()
    assert db.query(Person).count() == before


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("DATABASE_URL", "oracle://scott@db/x", "DATABASE_URL: unsupported database"),
        ("DATABASE_URL", "nonsense", "DATABASE_URL is malformed"),
        ("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none", "DATABASE_URL: cannot"),
        ("REDIS_URL", "redis://127.0.0.1:1/0", "REDIS_URL: cannot reach Redis"),
    ],
)
def test_web_refuses_to_start_on_a_broken_setting_with_one_clear_line(
    fresh, variable, value, says
):
    done = plenary("web", "--port", "1", env={**fresh.env, variable: value})
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_db_upgrade_and_seed_demo_are_idempotent(fresh):
    for _ in range(2):
        assert plenary("db", "upgrade", env=fresh.env).returncode == 0
        seeded = plenary("seed-demo", env=fresh.env)
        assert seeded.returncode == 0, seeded.stderr
    assert "demo forum 'hr-forum'" in seeded.stdout


def test_demo_tokens_prints_one_token_per_line(fresh):
    assert plenary("seed-demo", env=fresh.env).returncode == 0
    done = plenary("demo-tokens", "--event", "hr-forum", "--count", "7", env=fresh.env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 7 and len(set(lines)) == 7
