"""The platform's one configuration: read from the environment and ``.env``, validated once.

Every process (API, scheduler, dashboard, launcher) calls :func:`load_settings`
at start-up and passes the result down; nothing reads ``os.environ`` elsewhere.
A bad value stops start-up with :class:`SettingsError`, whose message is one
line naming the variable and the fix. No secret has a default here: a missing
secret is an error, never a silently generated or fixed value.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parents[2]

MODES = ("sandbox", "live", "upstox-sandbox")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SETUP_HINT = "run ./setup.sh to create it"


class SettingsError(ValueError):
    """A configuration value is missing or invalid; the message names the variable and the fix."""

    def __init__(self, variable: str, problem: str, fix: str) -> None:
        super().__init__(f"{variable}: {problem}. Fix: {fix}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Validated settings shared by every process."""

    project_root: Path
    mode: str
    database_url: str
    api_host: str
    api_port: int
    api_url: str
    api_key: str
    dashboard_host: str
    dashboard_port: int
    dashboard_user: str
    dashboard_password_hash: str
    dashboard_storage_secret: str
    encryption_keys: tuple[str, ...]
    sandbox_host: str
    sandbox_port: int
    sandbox_url: str
    upstox_client_id: str
    upstox_client_secret: str
    upstox_redirect_uri: str
    log_dir: Path
    log_level: str
    backup_dir: Path
    scheduler_heartbeat_seconds: int

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def mode_label(self) -> str:
        """What the header shows: SANDBOX for both sandbox modes, LIVE for real money."""
        return "LIVE" if self.mode == "live" else "SANDBOX"

    def __repr__(self) -> str:  # secrets never reach a log line through repr()
        return f"Settings(mode={self.mode!r}, database={redact_database_url(self.database_url)!r})"


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = None,
    project_root: Path | None = None,
) -> Settings:
    """Merge ``.env`` under the process environment and validate the result.

    The real environment wins over ``.env`` so that tests and the launcher can
    override one value (a port, the database) without editing the file.
    """
    root = (project_root or PROJECT_ROOT).resolve()
    env_path = env_file if env_file is not None else root / ".env"
    values: dict[str, str] = {}
    if env_path.is_file():
        values.update({k: v for k, v in dotenv_values(env_path).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return _validate(values, root)


def _validate(env: Mapping[str, str], root: Path) -> Settings:
    mode = env.get("UPSTOX_MODE", "sandbox").strip().lower()
    if mode not in MODES:
        raise SettingsError(
            "UPSTOX_MODE", f"unknown mode {mode!r}", f"use one of {', '.join(MODES)}"
        )
    api_host = env.get("API_HOST", "127.0.0.1")
    api_port = _port(env, "API_PORT", 9000)
    sandbox_host = env.get("SANDBOX_HOST", "127.0.0.1")
    sandbox_port = _port(env, "SANDBOX_PORT", 9100)
    if mode in ("live", "upstox-sandbox"):
        _require_real_upstox_app(env, mode)
    log_level = env.get("LOG_LEVEL", "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError("LOG_LEVEL", f"unknown level {log_level!r}", f"use {LOG_LEVELS}")
    return Settings(
        project_root=root,
        mode=mode,
        database_url=_database_url(env.get("DATABASE_URL", ""), root),
        api_host=api_host,
        api_port=api_port,
        api_url=_http_url(env, "API_URL", f"http://127.0.0.1:{api_port}"),
        api_key=_api_key(env),
        dashboard_host=env.get("DASHBOARD_HOST", "127.0.0.1"),
        dashboard_port=_port(env, "DASHBOARD_PORT", 8080),
        dashboard_user=env.get("DASHBOARD_USER", "admin").strip() or "admin",
        dashboard_password_hash=_password_hash(env),
        dashboard_storage_secret=_required(env, "DASHBOARD_STORAGE_SECRET", min_length=32),
        encryption_keys=_fernet_keys(env),
        sandbox_host=sandbox_host,
        sandbox_port=sandbox_port,
        sandbox_url=_http_url(env, "UPSTOX_SANDBOX_URL", f"http://127.0.0.1:{sandbox_port}"),
        upstox_client_id=env.get("UPSTOX_CLIENT_ID", ""),
        upstox_client_secret=env.get("UPSTOX_CLIENT_SECRET", ""),
        upstox_redirect_uri=_http_url(
            env,
            "UPSTOX_REDIRECT_URI",
            _http_url(env, "API_URL", f"http://127.0.0.1:{api_port}") + "/api/auth/callback",
        ),
        log_dir=_path(env.get("LOG_DIR", "logs"), root),
        log_level=log_level,
        backup_dir=_path(env.get("BACKUP_DIR", "backups"), root),
        scheduler_heartbeat_seconds=_positive_int(env, "SCHEDULER_HEARTBEAT_SECONDS", 10),
    )


SANDBOX_DEMO_CLIENT_ID = "sandbox-demo-app"  # the built-in sandbox's demo app (.env.example)


def _require_real_upstox_app(env: Mapping[str, str], mode: str) -> None:
    """Live modes need the trader's own Upstox app, not the built-in sandbox's demo app."""
    fix = "put your Upstox app's API key and secret in .env (see docs/Upstox.md)"
    client_id = env.get("UPSTOX_CLIENT_ID", "").strip()
    if not client_id or client_id == SANDBOX_DEMO_CLIENT_ID:
        raise SettingsError(
            "UPSTOX_CLIENT_ID", f"mode {mode} needs your own Upstox app, not the sandbox demo", fix
        )
    if not env.get("UPSTOX_CLIENT_SECRET", "").strip() or env.get(
        "UPSTOX_CLIENT_SECRET", ""
    ).strip().startswith("sandbox-demo"):
        raise SettingsError("UPSTOX_CLIENT_SECRET", f"mode {mode} needs your app's secret", fix)


def _required(env: Mapping[str, str], name: str, min_length: int = 1) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(name, "is not set", SETUP_HINT)
    if len(value) < min_length:
        raise SettingsError(
            name, f"is too short ({len(value)} characters, need {min_length})", SETUP_HINT
        )
    return value


def _api_key(env: Mapping[str, str]) -> str:
    return _required(env, "API_KEY", min_length=32)


def _password_hash(env: Mapping[str, str]) -> str:
    from scripts.config.passwords import is_password_hash

    value = _required(env, "DASHBOARD_PASSWORD_HASH")
    if not is_password_hash(value):
        raise SettingsError(
            "DASHBOARD_PASSWORD_HASH",
            "is not a password hash made by this platform",
            "set a new password with: .venv/bin/python -m scripts.config.passwords",
        )
    return value


def _fernet_keys(env: Mapping[str, str]) -> tuple[str, ...]:
    """ENCRYPTION_KEY may hold several comma-separated keys, newest first, for rotation."""
    raw = _required(env, "ENCRYPTION_KEY")
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    for key in keys:
        try:
            decoded = base64.urlsafe_b64decode(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            decoded = b""
        if len(decoded) != 32:
            raise SettingsError(
                "ENCRYPTION_KEY",
                "is not a valid Fernet key (32 url-safe base64-encoded bytes)",
                "generate one with: .venv/bin/python -m scripts.config.env_file fernet-key",
            )
    return keys


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default)).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise SettingsError(name, f"{raw!r} is not a port number", "use a number from 1 to 65535")
    return int(raw)


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default)).strip()
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(name, f"{raw!r} is not a positive whole number", "use e.g. 10")
    return int(raw)


def _http_url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(name, f"{value!r} is not an http(s) URL", "use e.g. " + default)
    return value.rstrip("/")


def _path(value: str, root: Path) -> Path:
    path = Path(value)
    return path if path.is_absolute() else root / path


def _database_url(value: str, root: Path) -> str:
    """Normalise DATABASE_URL to an SQLAlchemy URL; empty means the embedded SQLite file."""
    value = value.strip()
    if not value:
        return f"sqlite:///{root / 'market_data.db'}"
    fix = "use sqlite:///path/to/file.db or postgresql://user@host:5432/dbname"
    parts = urlsplit(value)
    if parts.scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        if not parts.hostname or not parts.path.strip("/"):
            raise SettingsError("DATABASE_URL", "needs a host and a database name", fix)
        try:
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            raise SettingsError("DATABASE_URL", "has a malformed port", fix) from None
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if parts.scheme == "sqlite":
        if not value.startswith("sqlite:///") or len(value) <= len("sqlite:///"):
            raise SettingsError("DATABASE_URL", "an SQLite URL needs a file path", fix)
        return value
    raise SettingsError("DATABASE_URL", f"unsupported scheme {parts.scheme!r}", fix)


def redact_database_url(url: str) -> str:
    """The URL without its password, for logs and the health endpoint."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def settings_for_command() -> Settings:
    """Settings for a process entry point; a bad value exits with code 2 and one clear line.

    Every command (API, scheduler, dashboard, launcher, CLIs) starts with this, so a
    misconfiguration reads the same everywhere and never shows a traceback.
    """
    import sys

    try:
        return load_settings()
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
