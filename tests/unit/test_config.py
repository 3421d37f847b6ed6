"""Settings: embedded defaults, checked URLs, a secret key generated once."""

from __future__ import annotations

import stat

import pytest

from plenary.config import ConfigError, load_settings, served_at


def test_nothing_configured_means_sqlite_and_embedded_redis_under_var(tmp_path):
    settings = load_settings({"PLENARY_VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'plenary.db'}"
    assert settings.embedded_redis
    assert settings.effective_redis_url == f"unix://{tmp_path / 'redis.sock'}?db=0"
    assert settings.smtp_url is None
    assert settings.outbox_dir == tmp_path / "outbox"


def test_missing_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = load_settings({"PLENARY_VAR_DIR": str(tmp_path)}).secret_key
    second = load_settings({"PLENARY_VAR_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) == 64
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    other = load_settings({"PLENARY_VAR_DIR": str(tmp_path / "elsewhere")}).secret_key
    assert other != first


def test_secret_key_from_the_environment_wins(tmp_path):
    settings = load_settings({"PLENARY_VAR_DIR": str(tmp_path), "SECRET_KEY": "k" * 40})
    assert settings.secret_key == "k" * 40
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("DATABASE_URL", "not a url", "DATABASE_URL is malformed"),
        ("DATABASE_URL", "mysql://root@localhost/x", "unsupported database 'mysql'"),
        ("REDIS_URL", "http://localhost:6379", "REDIS_URL must start with"),
        ("SMTP_URL", "mail.example.org", "SMTP_URL must look like"),
        ("PUBLIC_URL", "events.example.org", "PUBLIC_URL must be an absolute"),
    ],
)
def test_malformed_setting_names_itself(tmp_path, name, value, says):
    with pytest.raises(ConfigError, match=says):
        load_settings({"PLENARY_VAR_DIR": str(tmp_path), "SECRET_KEY": "x", name: value})


def test_plain_postgresql_url_uses_psycopg3(tmp_path):
    env = {"PLENARY_VAR_DIR": str(tmp_path), "SECRET_KEY": "x",
           "DATABASE_URL": "postgresql://u:p@db:5432/plenary"}  # fmt: skip
    assert load_settings(env).database_url == "postgresql+psycopg://u:p@db:5432/plenary"


def test_origin_follows_the_served_address_unless_public_url_is_set(tmp_path):
    env = {"PLENARY_VAR_DIR": str(tmp_path), "SECRET_KEY": "x"}
    settings = served_at(load_settings(env), "0.0.0.0", 8123, environ=env)
    assert settings.allowed_origins == ["http://127.0.0.1:8123"]
    env["PUBLIC_URL"] = "https://forum.example.org/"
    settings = served_at(load_settings(env), "0.0.0.0", 8123, environ=env)
    assert settings.public_url == "https://forum.example.org"
    assert settings.allowed_origins == ["https://forum.example.org"]


def test_socketio_channel_is_per_redis_database():
    # Redis pub/sub ignores database numbers: deployments sharing a server must not cross-talk.
    from plenary.app import socketio_channel

    assert socketio_channel("redis://127.0.0.1:6379/4") == "plenary-socketio:4"
    assert socketio_channel("unix:///var/run/redis.sock?db=3") == "plenary-socketio:3"
    assert socketio_channel("redis://:secret@redis:6379") == "plenary-socketio:0"
