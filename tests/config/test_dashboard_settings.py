"""The dashboard's settings: only what the UI needs, handed over by the launcher."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from scripts.config.dashboard_settings import (
    PROCESS_VARIABLES,
    DashboardSettings,
    dashboard_environment,
    load_dashboard_settings,
)
from scripts.config.settings import Settings, SettingsError
from scripts.config.variables import DashboardVariables
from scripts.launcher import service_specs


def launcher_environment_for_dashboard(settings: Settings) -> dict[str, str]:
    (dashboard,) = [spec for spec in service_specs(settings) if spec.name == "dashboard"]
    assert dashboard.environment is not None
    return dashboard.environment


def test_launcher_gives_the_dashboard_no_encryption_key_and_no_database(
    settings: Settings,
) -> None:
    environment = launcher_environment_for_dashboard(settings)
    assert not any("ENCRYPTION" in name or "FERNET" in name for name in environment)
    assert "DATABASE_URL" not in environment
    values = set(environment.values())
    assert not values & {*settings.encryption_keys, settings.database_url}


def test_dashboard_environment_is_exactly_the_dashboard_schema_plus_os_basics(
    settings: Settings,
) -> None:
    environment = dashboard_environment(settings, inherited={"PATH": "/usr/bin", "SECRET": "x"})
    assert set(environment) == set(DashboardVariables.model_fields) | {"PATH"}
    assert set(PROCESS_VARIABLES).isdisjoint(DashboardVariables.model_fields)


def test_dashboard_reads_back_the_launchers_values(settings: Settings, tmp_path: Path) -> None:
    environment = dashboard_environment(settings, inherited={})
    dashboard = load_dashboard_settings(
        environ=environment, env_file=tmp_path / "none.env", project_root=settings.project_root
    )
    for field in fields(DashboardSettings):
        assert getattr(dashboard, field.name) == getattr(settings, field.name), field.name
    assert dashboard.mode_label == settings.mode_label == "SANDBOX"


def test_dashboard_settings_need_no_encryption_key_or_database(
    settings: Settings, tmp_path: Path
) -> None:
    environment = dashboard_environment(settings, inherited={})
    assert load_dashboard_settings(environ=environment, env_file=tmp_path / "none.env").api_key


def test_dashboard_still_rejects_a_missing_login_hash(settings: Settings, tmp_path: Path) -> None:
    environment = dashboard_environment(settings, inherited={})
    del environment["DASHBOARD_PASSWORD_HASH"]
    with pytest.raises(SettingsError) as caught:
        load_dashboard_settings(environ=environment, env_file=tmp_path / "none.env")
    assert caught.value.variable == "DASHBOARD_PASSWORD_HASH"


def test_repr_of_dashboard_settings_shows_no_secret(settings: Settings) -> None:
    dashboard = load_dashboard_settings(environ=dashboard_environment(settings, inherited={}))
    text = repr(dashboard)
    assert settings.api_key not in text and settings.dashboard_storage_secret not in text
