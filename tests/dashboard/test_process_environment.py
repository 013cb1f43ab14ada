"""The dashboard process runs with only the dashboard's settings in its environment."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx

from scripts.config.settings import Settings
from scripts.config.variables import DashboardVariables, PlatformVariables


def environment_of(process: subprocess.Popen) -> dict[str, str]:
    raw = Path(f"/proc/{process.pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {name.decode(): value.decode() for name, value in pairs}


def test_dashboard_process_starts_without_encryption_key_or_database_url(
    dashboard_child: subprocess.Popen, dashboard_process: str, settings: Settings
) -> None:
    environment = environment_of(dashboard_child)
    assert "ENCRYPTION_KEY" not in environment and "DATABASE_URL" not in environment
    assert not set(environment.values()) & set(settings.encryption_keys)
    platform_only = set(PlatformVariables.model_fields) - set(DashboardVariables.model_fields)
    assert platform_only & set(environment) == set()
    login = httpx.get(f"{dashboard_process}/login", timeout=10)
    assert login.status_code == 200 and "password" in login.text.lower()
