"""Settings, read from the environment once, with embedded defaults for a laptop.

Nothing here connects to anything: it only decides which servers to use. With no variable
set, Plenary runs on a SQLite file and a private Redis under `var/`, and writes emails to
`var/outbox/`. A missing SECRET_KEY is generated once and kept under `var/`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class ConfigError(Exception):
    """A setting is malformed; the message names the setting and what is wrong."""


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    redis_url: str | None  # None: start (or reach) the embedded Redis under var/
    smtp_url: str | None  # None: write .eml files to var/outbox/
    secret_key: str
    public_url: str
    mail_from: str = "Plenary <no-reply@plenary.invalid>"
    log_level: str = "INFO"
    testing: bool = False
    # The largest Socket.IO message accepted, in bytes. A chat body is at most 2,000 characters
    # (24 KB even as JSON \u escapes); 128 KB lets a too-long body reach validation and get
    # a clear `validation_error` ack instead of a dropped connection, and still refuses floods.
    max_socket_message: int = 128 * 1024
    # Email delivery: tries before "failed", backoff base (30, 60, 120 … s), how long a
    # sender may hold a row before another may take it, and the SMTP socket timeout.
    mail_max_attempts: int = 8
    mail_retry_base: float = 30.0
    mail_lease_seconds: float = 120.0
    smtp_timeout: float = 30.0
    # The relay (beat) re-enqueues work whose task was lost: how often, and how old it must be.
    relay_interval: float = 30.0
    relay_stale_seconds: float = 60.0
    # Presence: each web node refreshes its connections this often; a node silent for
    # `presence_stale_seconds` is dead and its people leave the online count.
    presence_refresh_seconds: float = 5.0
    presence_stale_seconds: float = 45.0
    # Room events within this many ms of the last one sent to a room go out together as one
    # `room:batch` frame (the first of a quiet window goes at once); 0 sends each alone.
    room_batch_ms: float = 150.0
    extra: dict = field(default_factory=dict)

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None

    @property
    def embedded_redis_socket(self) -> Path:
        return self.var_dir / "redis.sock"

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or f"unix://{self.embedded_redis_socket}?db=0"

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def allowed_origins(self) -> list[str]:
        parts = urlsplit(self.public_url)
        origins = [f"{parts.scheme}://{parts.netloc}"]
        return origins + list(self.extra.get("allowed_origins", []))

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)


def load_settings(environ: dict[str, str] | None = None, **overrides) -> Settings:
    """Builds the settings from `environ` (default: os.environ), checking each URL."""
    env = dict(os.environ if environ is None else environ)
    var_dir = Path(env.get("PLENARY_VAR_DIR") or Path.cwd() / "var").resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'plenary.db'}"
    settings = Settings(
        var_dir=var_dir,
        database_url=check_database_url(database_url),
        redis_url=check_redis_url(env["REDIS_URL"]) if env.get("REDIS_URL") else None,
        smtp_url=check_smtp_url(env["SMTP_URL"]) if env.get("SMTP_URL") else None,
        secret_key=env.get("SECRET_KEY") or stored_secret_key(var_dir),
        public_url=check_public_url(env.get("PUBLIC_URL") or "http://127.0.0.1:5000"),
        mail_from=env.get("MAIL_FROM") or Settings.mail_from,
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        mail_max_attempts=int(number(env, "MAIL_MAX_ATTEMPTS", Settings.mail_max_attempts)),
        mail_retry_base=number(env, "MAIL_RETRY_BASE", Settings.mail_retry_base),
        mail_lease_seconds=number(env, "MAIL_LEASE_SECONDS", Settings.mail_lease_seconds),
        smtp_timeout=number(env, "SMTP_TIMEOUT", Settings.smtp_timeout),
        relay_interval=number(env, "RELAY_INTERVAL", Settings.relay_interval),
        relay_stale_seconds=number(env, "RELAY_STALE_SECONDS", Settings.relay_stale_seconds),
        presence_refresh_seconds=number(
            env, "PRESENCE_REFRESH_SECONDS", Settings.presence_refresh_seconds
        ),
        presence_stale_seconds=number(
            env, "PRESENCE_STALE_SECONDS", Settings.presence_stale_seconds
        ),
        room_batch_ms=0.0
        if env.get("ROOM_BATCH_MS", "").strip() == "0"
        else number(env, "ROOM_BATCH_MS", Settings.room_batch_ms),
    )
    return settings.with_overrides(**overrides) if overrides else settings


def number(env: dict[str, str], name: str, default: float) -> float:
    """A positive number from the environment, or the default when unset."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number (got {raw!r})") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive (got {raw!r})")
    return value


def served_at(settings: Settings, host: str, port: int, environ=None) -> Settings:
    """Without PUBLIC_URL, links and the allowed Origin follow the address actually served."""
    if (os.environ if environ is None else environ).get("PUBLIC_URL"):
        return settings
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return settings.with_overrides(public_url=f"http://{shown}:{port}")


def check_database_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"DATABASE_URL is malformed: {exc}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"DATABASE_URL: unsupported database {parsed.get_backend_name()!r} "
            "(use sqlite:/// or postgresql+psycopg://)"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// would pick psycopg2, which we do not ship; psycopg 3 it is.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def check_redis_url(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(f"REDIS_URL must start with redis://, rediss:// or unix:// (got {url!r})")
    return url


def check_smtp_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(f"SMTP_URL must look like smtp://user:pass@host:port (got {url!r})")
    return url


def check_public_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"PUBLIC_URL must be an absolute http(s) URL (got {url!r})")
    return url.rstrip("/")


def stored_secret_key(var_dir: Path) -> str:
    """The generated key under var/, created on first use with owner-only permissions."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
