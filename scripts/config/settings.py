"""The platform's one configuration: read from the environment and ``.env``, validated once.

Every process (API, scheduler, launcher, CLIs) calls :func:`load_settings` at
start-up and passes the result down; nothing reads ``os.environ`` elsewhere.
What each variable may hold is the schema in :mod:`scripts.config.variables`;
this module turns the validated variables into :class:`Settings` (URLs derived
from ports, paths made absolute) and a bad value into :class:`SettingsError`,
whose message is one line naming the variable and the fix. No secret has a
default: a missing secret is an error, never a silently generated or fixed value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from scripts.config.modes import TradingMode
from scripts.config.variables import (
    INVALID,
    LOG_LEVELS,
    NSE_OFFICIAL_URL,
    SANDBOX_DEMO_CLIENT_ID,
    SETUP_HINT,
    DashboardVariables,
    PlatformVariables,
    read_variables,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]

__all__ = [
    "LOG_LEVELS",
    "PROJECT_ROOT",
    "SANDBOX_DEMO_CLIENT_ID",
    "Settings",
    "SettingsError",
    "TradingMode",
    "load_settings",
    "redact_database_url",
    "settings_for_command",
]


class SettingsError(ValueError):
    """A configuration value is missing or invalid; the message names the variable and the fix."""

    def __init__(self, variable: str, problem: str, fix: str) -> None:
        super().__init__(f"{variable}: {problem}. Fix: {fix}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Validated settings shared by every process."""

    project_root: Path
    mode: TradingMode
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
    feed_host: str
    feed_port: int
    sandbox_url: str
    upstox_client_id: str
    upstox_client_secret: str
    upstox_redirect_uri: str
    log_dir: Path
    log_level: str
    backup_dir: Path
    nse_indices_urls: tuple[str, ...]  # NSE_INDICES_URL, then its fallbacks
    scheduler_heartbeat_seconds: int
    email_enabled: bool
    email_from: str
    email_to: tuple[str, ...]
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_use_tls: bool

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def mode_label(self) -> str:
        """What the header shows: SANDBOX for both sandbox modes, LIVE for real money."""
        return self.mode.label

    def __repr__(self) -> str:  # secrets never reach a log line through repr()
        database = redact_database_url(self.database_url)
        return f"Settings(mode={self.mode.value!r}, database={database!r})"


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
    v = validated(PlatformVariables, environ, env_file if env_file is not None else root / ".env")
    api_url = v.effective_api_url()
    return Settings(
        project_root=root,
        mode=v.UPSTOX_MODE,
        database_url=v.DATABASE_URL or f"sqlite:///{root / 'market_data.db'}",
        api_host=v.API_HOST,
        api_port=v.API_PORT,
        api_url=api_url,
        api_key=v.API_KEY,
        dashboard_host=v.DASHBOARD_HOST,
        dashboard_port=v.DASHBOARD_PORT,
        dashboard_user=v.DASHBOARD_USER or "admin",
        dashboard_password_hash=v.DASHBOARD_PASSWORD_HASH,
        dashboard_storage_secret=v.DASHBOARD_STORAGE_SECRET,
        encryption_keys=_comma_list(v.ENCRYPTION_KEY),
        sandbox_host=v.SANDBOX_HOST,
        sandbox_port=v.SANDBOX_PORT,
        feed_host=v.FEED_HOST,
        feed_port=v.FEED_PORT,
        sandbox_url=v.UPSTOX_SANDBOX_URL or f"http://127.0.0.1:{v.SANDBOX_PORT}",
        upstox_client_id=v.UPSTOX_CLIENT_ID,
        upstox_client_secret=v.UPSTOX_CLIENT_SECRET,
        upstox_redirect_uri=v.UPSTOX_REDIRECT_URI or f"{api_url}/api/auth/callback",
        log_dir=project_path(v.LOG_DIR, root),
        log_level=v.LOG_LEVEL,
        backup_dir=project_path(v.BACKUP_DIR, root),
        nse_indices_urls=(v.NSE_INDICES_URL or NSE_OFFICIAL_URL,)
        + _comma_list(v.NSE_INDICES_FALLBACK_URLS),
        scheduler_heartbeat_seconds=v.SCHEDULER_HEARTBEAT_SECONDS,
        email_enabled=v.EMAIL_ENABLED,
        email_from=v.EMAIL_FROM,
        email_to=_comma_list(v.EMAIL_TO),
        smtp_host=v.SMTP_HOST,
        smtp_port=v.SMTP_PORT,
        smtp_user=v.SMTP_USER,
        smtp_password=v.SMTP_PASSWORD,
        smtp_use_tls=v.SMTP_USE_TLS,
    )


Schema = TypeVar("Schema", bound=DashboardVariables)


def validated(
    schema: type[Schema], environ: Mapping[str, str] | None, env_file: Path | None
) -> Schema:
    """The schema's variables, or :class:`SettingsError` for the first bad one."""
    try:
        return read_variables(schema, environ, env_file)
    except ValidationError as error:
        raise _first_problem(schema, error) from None


def _first_problem(schema: type[DashboardVariables], error: ValidationError) -> SettingsError:
    """The first error, in the schema's order, as one line: variable, problem, fix."""
    first: ErrorDetails = error.errors(include_url=False)[0]
    context = first.get("ctx") or {}
    variable = context.get("variable") or (str(first["loc"][0]) if first["loc"] else "settings")
    if first["type"] == INVALID:
        return SettingsError(variable, context["problem"], context["fix"])
    if first["type"] == "missing":
        return SettingsError(variable, "is not set", SETUP_HINT)
    field = schema.model_fields.get(variable)
    doc = field.description if field is not None else "see .env.example"
    return SettingsError(variable, f"{first['msg'].lower()}", f"set it to {doc}")


def project_path(value: str, root: Path) -> Path:
    """A path from ``.env``: absolute as written, else relative to the project folder."""
    path = Path(value)
    return path if path.is_absolute() else root / path


def _comma_list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def redact_database_url(url: str) -> str:
    """The URL without its password, for logs and the health endpoint."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def settings_for_command() -> Settings:
    """Settings for a process entry point; a bad value exits with code 2 and one clear line.

    Every command (API, scheduler, launcher, CLIs) starts with this, so a
    misconfiguration reads the same everywhere and never shows a traceback.
    """
    return exit_on_settings_error(load_settings)


Loaded = TypeVar("Loaded")


def exit_on_settings_error(load: Callable[[], Loaded]) -> Loaded:
    """Run ``load``; on :class:`SettingsError` print one line and exit with code 2."""
    import sys

    try:
        return load()
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
