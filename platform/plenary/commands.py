"""What each `plenary` command does. Called by `cli.main` with the parsed arguments."""

from __future__ import annotations

import argparse
import sys

from plenary.clock import system_clock
from plenary.config import Settings, load_settings, served_at
from plenary.startup import check_database, services_checked


class UsageError(Exception):
    """The command's arguments are wrong in a way argparse cannot see."""


def cmd_run(args: argparse.Namespace) -> int:
    from plenary.supervisor import run_platform

    settings = served_at(load_settings(), args.host, args.port)
    return run_platform(settings, host=args.host, port=args.port,
                        demo=not args.no_demo, concurrency=args.concurrency)  # fmt: skip


def cmd_web(args: argparse.Namespace) -> int:
    from plenary import create_app
    from plenary.extensions import socketio
    from plenary.gc_tuning import tune_for_long_lived_connections
    from plenary.ws_frames import share_broadcast_frames
    from plenary.wsgi_handler import LeanWSGIHandler

    settings = served_at(load_settings(), args.host, args.port)
    with services_checked(settings):
        app = create_app(settings)
        print(f"plenary web: serving on http://{args.host}:{args.port}", flush=True)
        log_output = settings.log_level == "DEBUG"
        tune_for_long_lived_connections()
        share_broadcast_frames()
        socketio.run(app, host=args.host, port=args.port, log_output=log_output,
                     handler_class=LeanWSGIHandler)  # fmt: skip
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    return _celery_worker(args.concurrency, args.pool, args.queues, "celery@%h")


def cmd_mailer(args: argparse.Namespace) -> int:
    """`plenary worker --pool gevent --queues mail` under its own node name."""
    return _celery_worker(args.concurrency, "gevent", "mail", "mailer@%h")


def _celery_worker(concurrency: int, pool: str, queues: str, hostname: str) -> int:
    from plenary.extensions import MAIL_QUEUE
    from workers.app import configure

    if concurrency < 1:
        raise UsageError("--concurrency must be 1 or more")
    known = {"celery", MAIL_QUEUE}
    names = [q.strip() for q in queues.split(",") if q.strip()]
    if not names or set(names) - known:
        raise UsageError(f"--queues: one or more of {', '.join(sorted(known))} (got {queues!r})")
    settings = load_settings()
    with services_checked(settings):
        app = configure(settings)
        if names == [MAIL_QUEUE]:
            # Mail tasks return nothing anyone reads, and Celery builds a result backend per
            # thread, which under gevent means a Redis client per task.
            app.conf.result_backend = None
        app.worker_main(
            ["worker", f"--concurrency={concurrency}", f"--pool={pool}",
             f"--queues={','.join(names)}", f"--hostname={hostname}",
             f"--loglevel={settings.log_level}", "--without-gossip", "--without-mingle"]
        )  # fmt: skip
    return 0


def cmd_beat(_args: argparse.Namespace) -> int:
    from workers.app import configure

    settings = load_settings()
    with services_checked(settings):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        schedule = settings.var_dir / "celerybeat-schedule"
        configure(settings).start(
            ["beat", f"--schedule={schedule}", f"--loglevel={settings.log_level}"]
        )
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from plenary.migrate import upgrade

    settings = load_settings()
    check_database(settings)
    upgrade(settings.database_url)
    print("database is at the latest migration")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from plenary.demo.seed import seed_demo, seed_participants

    if args.participants < 0:
        raise UsageError("--participants must be 0 or more")
    with _database(load_settings()) as db:
        event = seed_demo(db, now=system_clock.now())
        added = seed_participants(db, event, args.participants) if args.participants else 0
        db.commit()
        print(
            f"demo forum {event.slug!r}: {len(event.sessions)} sessions, {added} new participants"
        )
    return 0


def cmd_demo_tokens(args: argparse.Namespace) -> int:
    from plenary.demo.seed import demo_tokens
    from plenary.errors import NotFound
    from plenary.events.schedule import get_event

    if not 1 <= args.count <= 100_000:
        raise UsageError("--count must be between 1 and 100000")
    with _database(load_settings()) as db:
        try:
            event = get_event(db, args.event)
        except NotFound as exc:
            raise UsageError(exc.message) from None
        tokens = demo_tokens(db, event, args.count, now=system_clock.now())
        db.commit()
    sys.stdout.write("".join(token + "\n" for token in tokens))
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from plenary.auth.people import upsert_person
    from plenary.auth.roles import grant_role
    from plenary.auth.tokens import issue_api_token
    from plenary.errors import NotFound
    from plenary.events.schedule import get_event, get_session

    if "@" not in args.email or len(args.email) > 254:
        raise UsageError(f"not an email address: {args.email!r}")
    if args.role and not args.event:
        raise UsageError("--role needs --event")
    if args.session and args.role != "moderator" and args.role != "speaker":
        raise UsageError("--session is for a moderator or speaker role")
    with _database(load_settings()) as db:
        person = upsert_person(db, args.email, name=args.name.strip())
        try:
            if args.role:
                event = get_event(db, args.event)
                if args.session:
                    get_session(db, args.session, event=event)
                grant_role(db, person, event.id, args.role, args.session)
        except NotFound as exc:
            raise UsageError(exc.message) from None
        token = issue_api_token(db, person, "create-user", now=system_clock.now())
        db.commit()
        role = f" as {args.role} of {args.event}" if args.role else ""
        print(f"person {person.id} <{person.email}>{role}")
    print(token)
    return 0


class _database:
    """A checked, migrated database session for one command."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __enter__(self):
        from plenary.extensions import db
        from plenary.migrate import upgrade

        check_database(self.settings)
        upgrade(self.settings.database_url)
        db.bind(self.settings.database_url)
        self.session = db.session()
        return self.session

    def __exit__(self, *exc) -> None:
        self.session.rollback()
        self.session.close()
