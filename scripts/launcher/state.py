"""The launcher's state file, ``logs/launcher_state.json``: what runs, where, and how it fared.

The launcher rewrites it on every change (atomically), so ``status``, ``stop`` and
``./authenticate.sh`` in another shell see the ports the platform was really
started with (``API_PORT=9001 ./start_nicegui.sh``), plus each process's
restarts and last exit code, instead of falling back to ``.env``'s defaults.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from scripts.config.settings import Settings
from scripts.launcher.processes import is_platform_process

STATE_FILE_NAME = "launcher_state.json"
ADDRESS_FIELDS = (
    "api_host",
    "api_port",
    "api_url",
    "dashboard_host",
    "dashboard_port",
    "sandbox_host",
    "sandbox_port",
    "sandbox_url",
    "feed_host",
    "feed_port",
)


def state_path(settings: Settings) -> Path:
    return settings.log_dir / STATE_FILE_NAME


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Write via a temp file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(state, indent=2, sort_keys=True))
    os.replace(temporary, path)


def read_state(path: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def addresses_of(settings: Settings) -> dict[str, Any]:
    """The hosts, ports and URLs the platform's processes were started with."""
    return {field: getattr(settings, field) for field in ADDRESS_FIELDS}


def with_addresses(settings: Settings, addresses: dict[str, Any]) -> Settings:
    """``settings`` with the recorded hosts/ports/URLs of a running platform."""
    known = {field: addresses[field] for field in ADDRESS_FIELDS if field in addresses}
    return replace(settings, **known)


def running_platform_state(settings: Settings) -> dict[str, Any] | None:
    """The state file's content if the launcher that wrote it is still running."""
    state = read_state(state_path(settings))
    if not state:
        return None
    pid = state.get("launcher_pid")
    if not isinstance(pid, int) or not is_platform_process(pid, settings.project_root):
        return None
    return state


def settings_of_running_platform(settings: Settings) -> tuple[Settings, str]:
    """Settings to reach the platform, and a phrase saying where its ports came from.

    When a platform runs, its recorded addresses win over ``.env`` and this
    shell's environment (the ports it was started with may have been one-off
    environment overrides); otherwise the settings are used as they are.
    """
    return settings_from_state(settings, running_platform_state(settings))


def settings_from_state(settings: Settings, state: dict[str, Any] | None) -> tuple[Settings, str]:
    """:func:`settings_of_running_platform` for a state already read (one read, one answer)."""
    if state is None or not isinstance(state.get("addresses"), dict):
        return settings, "ports from .env and the environment"
    return (
        with_addresses(settings, state["addresses"]),
        f"ports of the running platform, from {state_path(settings)}",
    )
