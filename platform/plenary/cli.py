"""`plenary …`: the command line of CONTRACT.md.

Only the standard library is imported up here: `plenary web` must monkey-patch with gevent
before anything else loads sockets or threads.
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plenary", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="the whole platform on this machine")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=5000)
    run.add_argument("--no-demo", action="store_true", help="do not seed the demo forum")
    run.add_argument("--concurrency", type=int, default=2, help="worker processes")

    web = commands.add_parser("web", help="one web node (HTTP + Socket.IO, gevent)")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=5000)

    worker = commands.add_parser("worker", help="a Celery worker (every task, emails included)")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--pool", default="prefork",
                        choices=["prefork", "solo", "threads", "gevent"])  # fmt: skip
    worker.add_argument(
        "--queues",
        default="celery,mail",
        help="celery (registrations, certificates, imports), mail (emails)",
    )
    mailer = commands.add_parser("mailer", help="a Celery worker for emails only (gevent pool)")
    mailer.add_argument(
        "--concurrency",
        type=int,
        default=50,
        help="emails in flight at once (greenlets, one SMTP connection each)",
    )
    commands.add_parser("beat", help="the Celery beat scheduler (run exactly one)")

    database = commands.add_parser("db", help="database maintenance")
    database.add_argument("action", choices=["upgrade"])

    seed = commands.add_parser("seed-demo", help="the demo forum (idempotent)")
    seed.add_argument("--participants", type=int, default=0, help="demo participants to add")

    tokens = commands.add_parser("demo-tokens", help="API tokens of demo participants")
    tokens.add_argument("--event", required=True)
    tokens.add_argument("--count", type=int, required=True)

    user = commands.add_parser("create-user", help="create or update a person with a role")
    user.add_argument("email")
    user.add_argument("--name", required=True)
    user.add_argument("--role", choices=["organizer", "moderator", "speaker", "staff"])
    user.add_argument("--event", help="event slug the role is for")
    user.add_argument("--session", type=int, help="session id, for a session-only role")
    return parser


def uses_gevent(argv: list[str]) -> bool:
    """The web node and the mailer run on gevent: they must patch before psycopg, redis or
    kombu are imported (psycopg chooses a cooperative wait function only if `select` is
    patched when it loads; Celery's own `-P gevent` patching happens in `celery`'s main,
    which `plenary worker` does not go through)."""
    if argv[:1] in (["web"], ["mailer"]):
        return True
    if argv[:1] != ["worker"]:
        return False
    pools = [a.split("=", 1)[1] for a in argv if a.startswith("--pool=")]
    pools += [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--pool"]
    return "gevent" in pools


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if uses_gevent(argv):
        from gevent import monkey

        monkey.patch_all()
    args = build_parser().parse_args(argv)
    from plenary import commands
    from plenary.config import ConfigError
    from plenary.startup import StartupError

    handler = getattr(commands, "cmd_" + args.command.replace("-", "_"))
    try:
        code = handler(args)
    except (ConfigError, StartupError, commands.UsageError) as exc:
        print(f"plenary {args.command}: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        code = 130
    sys.exit(code or 0)
