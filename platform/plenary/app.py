"""The application factory: settings in, a wired Flask app out. Nothing happens at import."""

from __future__ import annotations

import logging
from pathlib import Path

import redis
from flask import Flask

from plenary.clock import Clock, system_clock
from plenary.config import Settings, load_settings
from plenary.extensions import configure_celery, db, redis_store, socketio, task_client
from plenary.live.packets import TextPacket
from plenary.live.queue import RoomAwareRedisManager
from plenary.rooms.broadcast import configure_batching
from plenary.wsgi_deflate import decline_permessage_deflate

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def socketio_channel(redis_url: str) -> str:
    """The message queue's pub/sub channel, named after the Redis database in use.

    Redis pub/sub ignores database numbers: two deployments (or test runs) on one Redis
    server with different databases would otherwise receive each other's room events.
    """
    db = redis.connection.parse_url(redis_url).get("db", 0)
    return f"plenary-socketio:{db}"


def build_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(
        "plenary",
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        SESSION_COOKIE_NAME="plenary_session",
        MAX_CONTENT_LENGTH=6 * 1024 * 1024,  # the largest CSV import, with room to spare
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    app.extensions["plenary.settings"] = settings
    app.extensions["plenary.clock"] = clock or system_clock
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")

    db.bind(settings.database_url)
    redis_url = settings.effective_redis_url
    redis_store.bind(redis_url)
    configure_celery(task_client, redis_url)
    socketio.init_app(
        app,
        async_mode="gevent",
        client_manager=RoomAwareRedisManager(redis_url, channel=socketio_channel(redis_url)),
        cors_allowed_origins=settings.allowed_origins,
        max_http_buffer_size=settings.max_socket_message,
        manage_session=False,
        ping_interval=20,
        ping_timeout=20,
        serializer=TextPacket,
    )
    app.wsgi_app = decline_permessage_deflate(app.wsgi_app)  # outside Socket.IO's middleware
    app.teardown_appcontext(db.remove)
    configure_batching(settings.room_batch_ms)

    from plenary import live
    from plenary.api import register_api
    from plenary.web import register_web

    register_api(app)
    register_web(app)
    live.register(socketio)
    return app
