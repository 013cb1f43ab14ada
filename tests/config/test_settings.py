"""Settings: validated at start-up, one clear line per bad value, no secret defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.config.env_file import fernet_key
from scripts.config.passwords import hash_password
from scripts.config.settings import SettingsError, load_settings

GOOD = {
    "API_KEY": "k" * 40,
    "ENCRYPTION_KEY": fernet_key(),
    "DASHBOARD_PASSWORD_HASH": hash_password("pw-for-tests"),
    "DASHBOARD_STORAGE_SECRET": "s" * 40,
}


def load(tmp_path: Path, **overrides: str):
    env = {**GOOD, **overrides}
    return load_settings(environ=env, env_file=tmp_path / "missing.env", project_root=tmp_path)


def error_for(tmp_path: Path, **overrides: str) -> SettingsError:
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, **overrides)
    return caught.value


def test_defaults_are_the_embedded_sandbox_setup(tmp_path: Path) -> None:
    settings = load(tmp_path)
    assert settings.mode == "sandbox" and settings.mode_label == "SANDBOX"
    assert settings.database_url == f"sqlite:///{tmp_path / 'market_data.db'}"
    assert (settings.api_port, settings.dashboard_port, settings.sandbox_port) == (9000, 8080, 9100)
    assert settings.api_url == "http://127.0.0.1:9000"


LIVE_APP = {"UPSTOX_CLIENT_ID": "my-upstox-app-key", "UPSTOX_CLIENT_SECRET": "my-app-secret"}


def test_live_mode_is_labelled_live(tmp_path: Path) -> None:
    assert load(tmp_path, UPSTOX_MODE="live", **LIVE_APP).mode_label == "LIVE"
    assert load(tmp_path, UPSTOX_MODE="upstox-sandbox", **LIVE_APP).mode_label == "SANDBOX"


def test_switching_to_live_needs_only_the_apps_credentials(tmp_path: Path) -> None:
    example = {k: "" for k in ("DATABASE_URL", "UPSTOX_REDIRECT_URI")}
    demo = {"UPSTOX_CLIENT_ID": "sandbox-demo-app", "UPSTOX_CLIENT_SECRET": "sandbox-demo-secret"}
    error = error_for(tmp_path, UPSTOX_MODE="live", **example, **demo)
    assert error.variable == "UPSTOX_CLIENT_ID" and "docs/Upstox.md" in str(error)
    missing_secret = error_for(tmp_path, UPSTOX_MODE="live", UPSTOX_CLIENT_ID="my-key")
    assert missing_secret.variable == "UPSTOX_CLIENT_SECRET"
    live = load(tmp_path, UPSTOX_MODE="live", **example, **LIVE_APP)
    assert live.upstox_redirect_uri == "http://127.0.0.1:9000/api/auth/callback"


@pytest.mark.parametrize("secret", list(GOOD))
def test_missing_secret_stops_startup_naming_the_variable(tmp_path: Path, secret: str) -> None:
    env = {k: v for k, v in GOOD.items() if k != secret}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=env, env_file=tmp_path / "none", project_root=tmp_path)
    assert caught.value.variable == secret
    assert str(caught.value).startswith(f"{secret}: is not set")
    assert "setup.sh" in str(caught.value)


def test_invalid_fernet_key_names_variable_and_fix(tmp_path: Path) -> None:
    error = error_for(tmp_path, ENCRYPTION_KEY="not-a-fernet-key")
    assert error.variable == "ENCRYPTION_KEY"
    assert "Fernet" in str(error) and "Fix:" in str(error)
    assert "\n" not in str(error)


def test_several_fernet_keys_allow_rotation(tmp_path: Path) -> None:
    new, old = fernet_key(), fernet_key()
    assert load(tmp_path, ENCRYPTION_KEY=f"{new}, {old}").encryption_keys == (new, old)


@pytest.mark.parametrize("value", ["0", "65536", "http", "-1", "90.5"])
def test_bad_port_is_rejected(tmp_path: Path, value: str) -> None:
    error = error_for(tmp_path, API_PORT=value)
    assert error.variable == "API_PORT" and "1 to 65535" in str(error)


def test_unknown_mode_lists_the_valid_ones(tmp_path: Path) -> None:
    error = error_for(tmp_path, UPSTOX_MODE="paper")
    assert error.variable == "UPSTOX_MODE"
    assert "sandbox, live, upstox-sandbox" in str(error)


@pytest.mark.parametrize(
    "url",
    [
        "mysql://x@y/z",
        "postgresql://",
        "postgresql://host:99999999/db",
        "postgresql://host",
        "sqlite://",
        "not a url",
    ],
)
def test_malformed_database_url_is_rejected(tmp_path: Path, url: str) -> None:
    error = error_for(tmp_path, DATABASE_URL=url)
    assert error.variable == "DATABASE_URL" and "postgresql://" in str(error)


def test_postgres_url_uses_the_psycopg_driver(tmp_path: Path) -> None:
    settings = load(tmp_path, DATABASE_URL="postgresql://trader:pw@127.0.0.1:5432/trading")
    assert settings.database_url == "postgresql+psycopg://trader:pw@127.0.0.1:5432/trading"
    assert not settings.is_sqlite


def test_short_api_key_is_rejected(tmp_path: Path) -> None:
    assert error_for(tmp_path, API_KEY="short").variable == "API_KEY"


def test_foreign_password_hash_is_rejected(tmp_path: Path) -> None:
    error = error_for(tmp_path, DASHBOARD_PASSWORD_HASH="plain-password")
    assert error.variable == "DASHBOARD_PASSWORD_HASH" and "scripts.config.passwords" in str(error)


def test_environment_overrides_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in GOOD.items()) + "API_PORT=9500\n")
    from_file = load_settings(environ={}, env_file=env_file, project_root=tmp_path)
    overridden = load_settings(
        environ={"API_PORT": "9600"}, env_file=env_file, project_root=tmp_path
    )
    assert from_file.api_port == 9500 and overridden.api_port == 9600


def test_repr_never_shows_secrets(tmp_path: Path) -> None:
    settings = load(tmp_path, DATABASE_URL="postgresql://trader:hunter2@db:5432/trading")
    text = repr(settings)
    assert GOOD["API_KEY"] not in text and "hunter2" not in text
    assert "***" in text


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "scripts.api"],
        ["-m", "scripts.jobs.scheduler_service"],
        ["-m", "scripts.launcher", "start"],
        ["-m", "scripts.db.migrate"],
        ["dashboard_ui/nicegui_dashboard.py"],
    ],
)
def test_every_entry_point_stops_with_one_line_on_a_bad_value(command: list[str]) -> None:
    import os
    import subprocess
    import sys

    from scripts.config.settings import PROJECT_ROOT

    env = {**os.environ, **GOOD, "API_PORT": "ninety"}
    env = {k: v for k, v in env.items() if not k.startswith(("PYTEST_", "NICEGUI_"))}
    result = subprocess.run(
        [sys.executable, *command],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: API_PORT: 'ninety' is not a port number. "
        "Fix: use a number from 1 to 65535"
    ]
