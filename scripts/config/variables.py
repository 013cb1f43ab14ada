"""The schema of ``.env``: one typed field per variable, with its default and what it is for.

These classes check what the trader wrote, value by value; turning the
values into the settings a process uses (URLs derived from ports, paths made
absolute) is :mod:`scripts.config.settings`'s job. A bad value raises
:func:`invalid`, whose problem and fix become the one-line start-up error.

The dashboard's variables are a subset of the platform's, so
:class:`PlatformVariables` extends :class:`DashboardVariables` and every
variable is declared exactly once. Secrets have no default: a missing one is
an error, never a silently invented value. ``.env.example`` shows every field
with its default (``tests/config/test_env_example.py`` keeps the two in step).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Callable, Self, TypeVar
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, DotEnvSettingsSource, EnvSettingsSource
from pydantic_settings import SettingsConfigDict

from scripts.config.modes import MODE_NAMES, TradingMode

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SETUP_HINT = "run ./setup.sh to create it"
SANDBOX_DEMO_CLIENT_ID = "sandbox-demo-app"  # the built-in sandbox's demo app (.env.example)
SANDBOX_DEMO_CLIENT_SECRET = "sandbox-demo-secret"
INVALID = "invalid_setting"  # the pydantic error type carrying our problem and fix


def invalid(problem: str, fix: str, variable: str | None = None) -> PydanticCustomError:
    """The error a validator raises: ``problem`` and ``fix`` form the one-line message."""
    context = {"problem": problem, "fix": fix, "variable": variable}
    return PydanticCustomError(INVALID, "{problem}. Fix: {fix}", context)


# --- value checks, each shared by every field of its kind ------------------------------


def _text(raw: Any) -> str:
    return str(raw).strip()


def _port(raw: Any) -> int:
    text = _text(raw)
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise invalid(f"{text!r} is not a port number", "use a number from 1 to 65535")
    return int(text)


def _positive_int(raw: Any) -> int:
    text = _text(raw)
    if not text.isdigit() or int(text) < 1:
        raise invalid(f"{text!r} is not a positive whole number", "use e.g. 10")
    return int(text)


def _switch(raw: Any) -> bool:
    text = _text(raw).lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off", ""):
        return False
    raise invalid(f"{text!r} is not true or false", "use true or false")


def _secret(min_length: int) -> Callable[[Any], str]:
    def check(raw: Any) -> str:
        value = _text(raw)
        if not value:
            raise invalid("is not set", SETUP_HINT)
        if len(value) < min_length:
            raise invalid(f"is too short ({len(value)} characters, need {min_length})", SETUP_HINT)
        return value

    return check


def _http_url(example: str) -> Callable[[Any], str]:
    """An http(s) URL without trailing slash; empty means "derive it" (see settings.py)."""

    def check(raw: Any) -> str:
        value = _text(raw)
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise invalid(f"{value!r} is not an http(s) URL", f"use e.g. {example}")
        return value.rstrip("/")

    return check


def _mode(raw: Any) -> str:
    text = _text(raw).lower()
    if text not in MODE_NAMES:
        raise invalid(f"unknown mode {text!r}", f"use one of {', '.join(MODE_NAMES)}")
    return text


def _log_level(raw: Any) -> str:
    text = _text(raw).upper()
    if text not in LOG_LEVELS:
        raise invalid(f"unknown level {text!r}", f"use {LOG_LEVELS}")
    return text


def _password_hash(raw: Any) -> str:
    from scripts.config.passwords import is_password_hash

    value = _secret(1)(raw)
    if not is_password_hash(value):
        raise invalid(
            "is not a password hash made by this platform",
            "set a new password with: .venv/bin/python -m scripts.config.passwords",
        )
    return value


def _fernet_keys(raw: Any) -> str:
    """ENCRYPTION_KEY may hold several comma-separated keys, newest first, for rotation."""
    value = _secret(1)(raw)
    for key in (k.strip() for k in value.split(",") if k.strip()):
        try:
            decoded = base64.urlsafe_b64decode(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            decoded = b""
        if len(decoded) != 32:
            raise invalid(
                "is not a valid Fernet key (32 url-safe base64-encoded bytes)",
                "generate one with: .venv/bin/python -m scripts.config.env_file fernet-key",
            )
    return value


def _database_url(raw: Any) -> str:
    """An SQLAlchemy URL (PostgreSQL gets the psycopg driver); empty means the SQLite file."""
    value = _text(raw)
    if not value:
        return ""
    fix = "use sqlite:///path/to/file.db or postgresql://user@host:5432/dbname"
    parts = urlsplit(value)
    if parts.scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        if not parts.hostname or not parts.path.strip("/"):
            raise invalid("needs a host and a database name", fix)
        try:
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            raise invalid("has a malformed port", fix) from None
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if parts.scheme == "sqlite":
        if not value.startswith("sqlite:///") or len(value) <= len("sqlite:///"):
            raise invalid("an SQLite URL needs a file path", fix)
        return value
    raise invalid(f"unsupported scheme {parts.scheme!r}", fix)


def _addresses(raw: Any) -> str:
    """One or more comma-separated e-mail addresses (or none)."""
    value = _text(raw)
    for address in (a.strip() for a in value.split(",") if a.strip()):
        if "@" not in address.strip("@"):
            raise invalid(f"{address!r} is not an e-mail address", "use e.g. trader@example.com")
    return value


def _http_urls(example: str) -> Callable[[Any], str]:
    """Comma-separated http(s) URLs (or none), each checked like :func:`_http_url`."""
    one = _http_url(example)

    def check(raw: Any) -> str:
        return ",".join(one(part) for part in _text(raw).split(",") if part.strip())

    return check


# docs/NSE_DATA.md §1.1: the official host first, the two archive hosts as fallbacks.
NSE_OFFICIAL_URL = "https://www.niftyindices.com/IndexConstituent"
NSE_ARCHIVE_URLS = (
    "https://nsearchives.nseindia.com/content/indices,"
    "https://archives.nseindia.com/content/indices"
)


Port = Annotated[int, BeforeValidator(_port)]
PositiveInt = Annotated[int, BeforeValidator(_positive_int)]
Switch = Annotated[bool, BeforeValidator(_switch)]
Text = Annotated[str, BeforeValidator(_text)]
LongSecret = Annotated[str, BeforeValidator(_secret(min_length=32))]


def variable(default: Any = ..., *, doc: str) -> Any:
    """A field named by its variable (``API_PORT``), read case-sensitively, with its doc."""
    return Field(default, description=doc)


# --- the schemas --------------------------------------------------------------------------


class DashboardVariables(BaseSettings):
    """What the dashboard process reads: how to reach the API, where to listen, how to log in.

    No database URL and no encryption key: the dashboard talks to the API only
    over HTTP, so it is never handed the keys that decrypt the Upstox token.
    """

    model_config = SettingsConfigDict(
        case_sensitive=True, extra="ignore", frozen=True, validate_default=True
    )

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: Any, *_other: Any, **_named: Any
    ) -> tuple[Any, ...]:
        """Only what :func:`read_variables` hands over: it chooses the environment and file."""
        return (init_settings,)

    UPSTOX_MODE: Annotated[TradingMode, BeforeValidator(_mode)] = variable(
        TradingMode.SANDBOX,
        doc="sandbox (built-in sandbox), live (real Upstox, real money) or upstox-sandbox "
        "(Upstox's own sandbox host, orders only)",
    )
    API_PORT: Port = variable(9000, doc="port of the REST API")
    API_URL: Annotated[str, BeforeValidator(_http_url("http://127.0.0.1:9000"))] = variable(
        "", doc="how other processes reach the API; empty: http://127.0.0.1:<API_PORT>"
    )
    API_KEY: LongSecret = variable(doc="X-API-Key header value for the REST API (secret)")
    DASHBOARD_HOST: Text = variable("127.0.0.1", doc="address the dashboard listens on")
    DASHBOARD_PORT: Port = variable(8080, doc="port of the dashboard")
    DASHBOARD_USER: Text = variable("admin", doc="dashboard login user name")
    DASHBOARD_PASSWORD_HASH: Annotated[str, BeforeValidator(_password_hash)] = variable(
        doc="scrypt hash of the dashboard password (python -m scripts.config.passwords)"
    )
    DASHBOARD_STORAGE_SECRET: LongSecret = variable(
        doc="signs the dashboard's browser session cookie (secret)"
    )
    LOG_DIR: Text = variable("logs", doc="log files and PID files, relative to the project")
    LOG_LEVEL: Annotated[str, BeforeValidator(_log_level)] = variable(
        "INFO", doc=f"one of {', '.join(LOG_LEVELS)}"
    )

    def effective_api_url(self) -> str:
        """``API_URL``, or the API on this machine at ``API_PORT`` when it is empty."""
        return self.API_URL or f"http://127.0.0.1:{self.API_PORT}"


class PlatformVariables(DashboardVariables):
    """Every variable of ``.env``: what the API, scheduler, launcher and CLIs read."""

    DATABASE_URL: Annotated[str, BeforeValidator(_database_url)] = variable(
        "",
        doc="empty: the SQLite file market_data.db in the project folder; "
        "or postgresql://user:password@127.0.0.1:5432/trading",
    )
    API_HOST: Text = variable("127.0.0.1", doc="address the REST API listens on")
    SANDBOX_HOST: Text = variable("127.0.0.1", doc="address the built-in sandbox listens on")
    SANDBOX_PORT: Port = variable(9100, doc="port of the built-in sandbox")
    FEED_HOST: Text = variable(
        "127.0.0.1", doc="address of the market-feed process (API workers read ticks there)"
    )
    FEED_PORT: Port = variable(9200, doc="port of the market-feed process")
    UPSTOX_SANDBOX_URL: Annotated[str, BeforeValidator(_http_url("http://127.0.0.1:9100"))] = (
        variable("", doc="how the platform reaches the sandbox; empty: http://127.0.0.1:<port>")
    )
    BACKUP_DIR: Text = variable("backups", doc="database backups before migrations")
    NSE_INDICES_URL: Annotated[str, BeforeValidator(_http_url(NSE_OFFICIAL_URL))] = variable(
        NSE_OFFICIAL_URL,
        doc="where NSE index constituent files are downloaded (<URL>/ind_nifty50list.csv)",
    )
    NSE_INDICES_FALLBACK_URLS: Annotated[str, BeforeValidator(_http_urls(NSE_OFFICIAL_URL))] = (
        variable(
            NSE_ARCHIVE_URLS,
            doc="comma-separated hosts tried in turn when NSE_INDICES_URL fails; empty: none",
        )
    )
    SCHEDULER_HEARTBEAT_SECONDS: PositiveInt = variable(
        10, doc="how often the scheduler records that it is alive"
    )
    ENCRYPTION_KEY: Annotated[str, BeforeValidator(_fernet_keys)] = variable(
        doc="Fernet key(s) encrypting the Upstox token at rest, newest first (secret)"
    )
    UPSTOX_CLIENT_ID: Text = variable(
        SANDBOX_DEMO_CLIENT_ID,
        doc="your Upstox app's API key; the default is the built-in sandbox's demo app",
    )
    UPSTOX_CLIENT_SECRET: Text = variable(
        SANDBOX_DEMO_CLIENT_SECRET,
        doc="your Upstox app's secret; the default works only against the built-in sandbox",
    )
    UPSTOX_REDIRECT_URI: Annotated[
        str, BeforeValidator(_http_url("http://127.0.0.1:9000/api/auth/callback"))
    ] = variable(
        "", doc="OAuth redirect registered with Upstox; empty: <API_URL>/api/auth/callback"
    )
    EMAIL_ENABLED: Switch = variable(False, doc="send e-mail notifications (true/false)")
    EMAIL_FROM: Annotated[str, BeforeValidator(_addresses)] = variable(
        "", doc="sender address of notifications"
    )
    EMAIL_TO: Annotated[str, BeforeValidator(_addresses)] = variable(
        "", doc="recipient address(es) of notifications, comma-separated"
    )
    SMTP_HOST: Text = variable("", doc="SMTP server that sends the e-mail")
    SMTP_PORT: Port = variable(587, doc="SMTP port: 587 with STARTTLS, 465 for SMTPS, 25 plain")
    SMTP_USER: Text = variable("", doc="SMTP login; empty: the server needs no login")
    SMTP_PASSWORD: Text = variable("", doc="SMTP password for SMTP_USER (secret)")
    SMTP_USE_TLS: Switch = variable(True, doc="encrypt the SMTP connection (true/false)")

    @model_validator(mode="after")
    def _live_modes_need_the_traders_own_app(self) -> Self:
        """Live modes need the trader's own Upstox app, not the built-in sandbox's demo app."""
        if not self.UPSTOX_MODE.uses_real_upstox_app:
            return self
        mode = self.UPSTOX_MODE.value
        fix = "put your Upstox app's API key and secret in .env (see docs/Upstox.md)"
        if not self.UPSTOX_CLIENT_ID or self.UPSTOX_CLIENT_ID == SANDBOX_DEMO_CLIENT_ID:
            raise invalid(
                f"mode {mode} needs your own Upstox app, not the sandbox demo",
                fix,
                "UPSTOX_CLIENT_ID",
            )
        if not self.UPSTOX_CLIENT_SECRET or self.UPSTOX_CLIENT_SECRET.startswith("sandbox-demo"):
            raise invalid(f"mode {mode} needs your app's secret", fix, "UPSTOX_CLIENT_SECRET")
        return self

    @model_validator(mode="after")
    def _enabled_email_needs_a_server_and_addresses(self) -> Self:
        if not self.EMAIL_ENABLED:
            return self
        needed = {
            "SMTP_HOST": "the SMTP server, e.g. smtp.gmail.com",
            "EMAIL_FROM": "the sender address",
            "EMAIL_TO": "the recipient address(es)",
        }
        for name, what in needed.items():
            if not getattr(self, name):
                raise invalid(
                    "is not set but EMAIL_ENABLED=true",
                    f"set {name} to {what} in .env, or set EMAIL_ENABLED=false",
                    name,
                )
        if self.SMTP_USER and not self.SMTP_PASSWORD:
            raise invalid(
                f"is not set but SMTP_USER={self.SMTP_USER} logs in",
                "set SMTP_PASSWORD in .env, or empty SMTP_USER if the server needs no login",
                "SMTP_PASSWORD",
            )
        return self


Schema = TypeVar("Schema", bound=DashboardVariables)


class _EnvironmentSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping instead of ``os.environ``.

    Tests and the launcher hand a process an exact environment; this lets the
    same parsing read it without patching ``os.environ``.
    """

    def __init__(self, schema: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = dict(environ)
        super().__init__(schema)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return self._environ


def read_variables(
    schema: type[Schema], environ: Mapping[str, str] | None, env_file: Path | None
) -> Schema:
    """Validate ``schema`` from ``.env`` under the environment (the environment wins).

    Raises pydantic's ``ValidationError``; :mod:`scripts.config.settings` turns
    it into the one-line :class:`~scripts.config.settings.SettingsError`.
    """
    values: dict[str, Any] = {}
    if env_file is not None and env_file.is_file():
        values.update(DotEnvSettingsSource(schema, env_file=env_file)())
    values.update(_EnvironmentSource(schema, os.environ if environ is None else environ)())
    return schema(**values)
