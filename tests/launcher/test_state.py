"""The state file: other shells use the running platform's recorded ports and say so."""

from __future__ import annotations

import httpx

from scripts.config.settings import load_settings
from scripts.launcher import Launcher
from scripts.launcher.state import (
    addresses_of,
    read_state,
    settings_of_running_platform,
    state_path,
    write_state,
)
from tests.conftest import free_port


def started_with_other_ports(project_root, settings_env):
    """The settings a platform started with ``API_PORT=... ./start_nicegui.sh`` had."""
    env = {
        **settings_env,
        "API_PORT": str(free_port()),
        "DASHBOARD_PORT": str(free_port()),
        "SANDBOX_PORT": str(free_port()),
    }
    return load_settings(environ=env, project_root=project_root)


def record(settings, launcher_pid: int | None) -> None:
    write_state(
        state_path(settings),
        {
            "launcher_pid": launcher_pid,
            "addresses": addresses_of(settings),
            "processes": {
                "api": {"state": "running", "pid": 4242, "restarts": 2, "last_exit": -9},
            },
        },
    )


def test_a_running_platforms_recorded_ports_win_over_this_shells(
    settings, project_root, settings_env, platform_python
) -> None:
    running = started_with_other_ports(project_root, settings_env)
    record(running, platform_python().pid)
    effective, where = settings_of_running_platform(settings)
    assert effective.api_url == running.api_url != settings.api_url
    assert (effective.api_port, effective.dashboard_port, effective.sandbox_url) == (
        running.api_port,
        running.dashboard_port,
        running.sandbox_url,
    )
    assert where == f"ports of the running platform, from {state_path(settings)}"


def test_a_stopped_platforms_state_file_is_ignored(
    settings, project_root, settings_env, platform_python
) -> None:
    running = started_with_other_ports(project_root, settings_env)
    gone = platform_python("pass")
    gone.wait(timeout=10)
    record(running, gone.pid)
    effective, where = settings_of_running_platform(settings)
    assert effective == settings
    assert where == "ports from .env and the environment"


def test_status_checks_the_recorded_ports_and_shows_restarts(
    settings, project_root, settings_env, platform_python
) -> None:
    running = started_with_other_ports(project_root, settings_env)
    launcher = platform_python()
    record(running, launcher.pid)
    lines: list[str] = []
    assert Launcher(settings, out=lines.append).status() == 1  # nothing answers: all down
    assert lines[0] == (
        f"Platform running (launcher pid {launcher.pid}); checking ports of the running "
        f"platform, from {state_path(settings)}."
    )
    (api,) = [line for line in lines if line.startswith("REST API")]
    assert "running" in api and "restarts=2" in api and "last exit=-9 (killed by SIGKILL)" in api
    assert api.endswith(f"down ({running.api_url}/api/health)")
    assert not any(str(settings.api_port) in line for line in lines)


def test_state_file_is_written_whole_and_read_back(settings) -> None:
    record(settings, 123)
    state = read_state(state_path(settings))
    assert state is not None and state["launcher_pid"] == 123
    assert state["addresses"]["api_url"] == settings.api_url
    state_path(settings).write_text("{half a fi")
    assert read_state(state_path(settings)) is None
    assert not list(settings.log_dir.glob("*.tmp"))
    assert httpx.URL(state["addresses"]["api_url"]).port == settings.api_port


def test_status_without_a_platform_says_it_checked_this_shells_ports(settings) -> None:
    lines: list[str] = []
    assert Launcher(settings, out=lines.append).status() == 1
    assert lines[0] == "The platform is not running; checking ports from .env and the environment."
    api = line_of(lines, "REST API")
    assert "stopped" in api and "pid=-" in api and "restarts=0" in api and "last exit=-" in api
    assert api.endswith(f"down ({settings.api_url}/api/health)")


def line_of(lines: list[str], title: str) -> str:
    (line,) = [line for line in lines if line.startswith(title)]
    return line
