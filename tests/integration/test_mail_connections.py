"""The email path is not one SMTP connection at a time: connections are reused between
messages, a dropped one is replaced without sending twice, and `plenary mailer` (a gevent
pool) holds several SMTP sessions open at once.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from plenary.mail.compose import build_message
from plenary.mail.delivery import deliver
from plenary.mail.outbox import queue_email
from plenary.mail.smtp_pool import SmtpPool, connections
from plenary.mail.transport import send_smtp
from plenary.models import EmailOutbox
from tests.support.smtp import SmtpServer, wait_until


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    connections.close_all()
    server.stop()


@pytest.fixture
def queue(app, db, make, clock, settings):
    event = make.event(slug="forum")

    def add(count: int) -> list[int]:
        for number in range(count):
            queue_email(db, dedupe_key=f"test:{number}", kind="test",
                        to_address=f"p{number}@example.org", to_name=f"P {number}",
                        subject="Hello", text="Hello", html=None, settings=settings,
                        now=clock.now(), event_id=event.id)  # fmt: skip
        db.commit()  # enqueues one `plenary.mail.send` per row
        return db.scalars(select(EmailOutbox.id).order_by(EmailOutbox.id)).all()

    return add


def sent(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).where(EmailOutbox.status == "sent"))


def test_consecutive_emails_from_one_process_share_one_smtp_connection(
    db, queue, settings, clock, smtp
):
    settings = settings.with_overrides(smtp_url=smtp.url)
    opened = connections.opened
    for outbox_id in queue(3):
        assert deliver(db, outbox_id, settings, now=clock.now()).state == "sent"
    assert len(smtp.messages) == 3 and len(set(smtp.handler.peers)) == 1
    assert connections.opened == opened + 1 and connections.idle_count(smtp.url) == 1


def test_a_reused_connection_the_server_dropped_is_reconnected_and_the_email_goes_once(
    db, queue, settings, clock, smtp
):
    settings = settings.with_overrides(smtp_url=smtp.url)
    first, second = queue(2)
    assert deliver(db, first, settings, now=clock.now()).state == "sent"
    assert connections.idle_count(smtp.url) == 1
    smtp.restart()  # drops the idle connection, as a relay's idle timeout or restart does
    assert deliver(db, second, settings, now=clock.now()).state == "sent"
    received = smtp.message_id_counts()
    assert len(received) == 2 and set(received.values()) == {1}
    assert len(set(smtp.handler.peers)) == 2  # the second went over a new connection
    assert sent(db) == 2


def test_a_connection_idle_too_long_or_used_enough_is_closed_not_reused(db, queue, smtp, settings):
    now = [0.0]
    pool = SmtpPool(max_idle=10, max_messages=3, monotonic=lambda: now[0])
    rows = [db.get(EmailOutbox, i) for i in queue(5)]
    messages = [build_message(row, settings.mail_from) for row in rows]
    accepted: list[int] = []

    def send(number: int) -> None:
        send_smtp(messages[number], smtp.url, timeout=5, pool=pool,
                  accepted=lambda: accepted.append(number))  # fmt: skip

    for number in range(3):
        send(number)
    assert pool.opened == 1 and pool.idle_count(smtp.url) == 0  # QUIT after the third
    send(3)
    now[0] += 11  # past max_idle: not reused
    send(4)
    assert accepted == [0, 1, 2, 3, 4] and pool.opened == 3
    assert len(set(smtp.handler.peers)) == 3
    pool.close_all()


def test_the_mailer_holds_several_smtp_sessions_open_at_once(app, processes, db, queue, smtp):
    smtp.handler.delay = 1.0  # each message waits a second before the server's 250
    mailer = processes.start("mailer", ["mailer", "--concurrency=20"], {"SMTP_URL": smtp.url})
    ids = queue(30)
    wait_until(lambda: sent(db) == len(ids), 60, "30 sent")
    received = smtp.message_id_counts()
    assert len(received) == 30 and set(received.values()) == {1}
    assert smtp.handler.most_held > 1, "one SMTP session at a time"
    # 20 tasks finishing together ack together: more than kombu's default pool of 10.
    wait_until(lambda: mailer.log().count("succeeded") == 30, 30, "30 tasks acked")
    assert "Couldn't ack" not in mailer.log()


def test_plenary_worker_alone_still_sends_every_email(app, processes, db, queue, smtp):
    processes.worker("--concurrency=8", env={"SMTP_URL": smtp.url})
    ids = queue(3)
    wait_until(lambda: sent(db) == len(ids), 60, "3 sent")
    assert set(smtp.message_id_counts().values()) == {1}


PROBE = textwrap.dedent(
    """
    import sys
    from gevent import monkey
    monkey.patch_all()
    import gevent, psycopg, psycopg.waiting

    url, key = sys.argv[1], 871234
    holder, waiter = psycopg.connect(url, autocommit=True), psycopg.connect(url, autocommit=True)
    waiter.execute("SET statement_timeout = '20s'")
    holder.execute("SELECT pg_advisory_lock(%s)", (key,))
    # The waiter blocks in PostgreSQL until the holder releases the lock. If psycopg's wait
    # blocked the gevent hub, the holder's greenlet could never run: the waiter would time
    # out instead.
    blocked = gevent.spawn(waiter.execute, "SELECT pg_advisory_lock(%s)", (key,))
    gevent.sleep(0)
    holder.execute("SELECT pg_advisory_unlock(%s)", (key,))
    blocked.get()
    print(psycopg.waiting.wait.__name__, "cooperative")
    """
)


def test_psycopg_waits_cooperatively_under_gevent(settings):
    url = make_url(settings.database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no network wait")
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "-c", PROBE, dsn], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "cooperative" in done.stdout and "wait_c" not in done.stdout
