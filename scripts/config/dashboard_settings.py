"""The dashboard's own settings, and the environment the launcher gives the dashboard process.

The dashboard talks to the platform only through the API, so it needs the
API's URL and key, where to listen and how to check a login, and nothing
else. In particular it never receives ``ENCRYPTION_KEY`` (which decrypts the
Upstox token) or ``DATABASE_URL``: a bug or a compromised page in the UI
process then cannot reach the broker session or the database directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scripts.config.modes import TradingMode
from scripts.config.settings import (
    PROJECT_ROOT,
    Settings,
    exit_on_settings_error,
    project_path,
    validated,
)
from scripts.config.variables import DashboardVariables

# What any child process needs from the OS to run Python at all; nothing platform-specific.
PROCESS_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "VIRTUAL_ENV")


@dataclass(frozen=True)
class DashboardSettings:
    """What the dashboard process reads: the API, its own address, the login, logging."""

    project_root: Path
    mode: TradingMode
    api_url: str
    api_key: str
    dashboard_host: str
    dashboard_port: int
    dashboard_user: str
    dashboard_password_hash: str
    dashboard_storage_secret: str
    log_dir: Path
    log_level: str

    @property
    def mode_label(self) -> str:
        """The header's badge until the API's health says otherwise."""
        return self.mode.label

    def __repr__(self) -> str:  # secrets never reach a log line through repr()
        return f"DashboardSettings(mode={self.mode.value!r}, api_url={self.api_url!r})"


def load_dashboard_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = None,
    project_root: Path | None = None,
) -> DashboardSettings:
    """Like :func:`~scripts.config.settings.load_settings`, for the dashboard's variables only.

    Run by hand, the dashboard reads ``.env`` like every process (only its own
    variables are taken); run by the launcher, its environment already holds
    every value it needs (:func:`dashboard_environment`).
    """
    root = (project_root or PROJECT_ROOT).resolve()
    v = validated(DashboardVariables, environ, env_file if env_file is not None else root / ".env")
    return DashboardSettings(
        project_root=root,
        mode=v.UPSTOX_MODE,
        api_url=v.effective_api_url(),
        api_key=v.API_KEY,
        dashboard_host=v.DASHBOARD_HOST,
        dashboard_port=v.DASHBOARD_PORT,
        dashboard_user=v.DASHBOARD_USER or "admin",
        dashboard_password_hash=v.DASHBOARD_PASSWORD_HASH,
        dashboard_storage_secret=v.DASHBOARD_STORAGE_SECRET,
        log_dir=project_path(v.LOG_DIR, root),
        log_level=v.LOG_LEVEL,
    )


def dashboard_settings_for_command() -> DashboardSettings:
    """The dashboard entry point's settings; a bad value exits with code 2 and one clear line."""
    return exit_on_settings_error(load_dashboard_settings)


def dashboard_environment(
    settings: Settings, inherited: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The whole environment of the dashboard process: its own variables, resolved, and the OS's.

    Values come from the launcher's validated settings (so the dashboard sees
    the same API URL and ports, even ones derived from defaults), never by
    copying the launcher's environment, which holds every secret.
    """
    inherited = os.environ if inherited is None else inherited
    environment = {name: inherited[name] for name in PROCESS_VARIABLES if name in inherited}
    environment.update(
        {
            "UPSTOX_MODE": settings.mode.value,
            "API_PORT": str(settings.api_port),
            "API_URL": settings.api_url,
            "API_KEY": settings.api_key,
            "DASHBOARD_HOST": settings.dashboard_host,
            "DASHBOARD_PORT": str(settings.dashboard_port),
            "DASHBOARD_USER": settings.dashboard_user,
            "DASHBOARD_PASSWORD_HASH": settings.dashboard_password_hash,
            "DASHBOARD_STORAGE_SECRET": settings.dashboard_storage_secret,
            "LOG_DIR": str(settings.log_dir),
            "LOG_LEVEL": settings.log_level,
        }
    )
    return environment
