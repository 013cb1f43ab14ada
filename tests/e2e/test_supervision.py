"""End to end: the launcher restarts a killed process, gives up a crash loop, and other shells
(status, stop, ./authenticate.sh) find the platform on the ports it was started with."""

from __future__ import annotations

import os
import signal
import time

import httpx
import pytest

from scripts.launcher import port_is_free
from tests.e2e.platform_copy import (
    PORT_SETTINGS,
    RunningPlatform,
    is_alive,
    run_script,
)

pytestmark = pytest.mark.e2e
OTHERS = ("sandbox", "feed", "scheduler", "dashboard")


def answers(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def line_of(output: str, title: str) -> str:
    (line,) = [line for line in output.splitlines() if line.startswith(title)]
    return line


def test_killed_api_is_restarted_and_other_shells_use_the_started_ports(platform_copy) -> None:
    root, env = platform_copy
    api = f"http://127.0.0.1:{env['API_PORT']}"
    # "Another terminal": the ports were one-off environment values of the starting shell.
    other_shell = {k: v for k, v in env.items() if k not in PORT_SETTINGS}
    platform = RunningPlatform(root, env)
    try:
        platform.wait_until_ready()
        status = run_script(root, other_shell, "./start_nicegui.sh", "status")
        assert status.returncode == 0, status.stdout + status.stderr
        assert "checking ports of the running platform, from" in status.stdout
        assert line_of(status.stdout, "REST API").endswith(f"healthy ({api}/api/health)")
        feed_health = f"http://127.0.0.1:{env['FEED_PORT']}/health"
        assert line_of(status.stdout, "Market feed").endswith(f"healthy ({feed_health})")

        before = {name: platform.pid(name) for name in ("api", *OTHERS)}
        os.kill(before["api"], signal.SIGKILL)
        platform.wait_for("REST API restarted", 30)
        assert answers(f"{api}/api/health", 60), platform.text
        assert platform.pid("api") != before["api"]
        assert {name: platform.pid(name) for name in OTHERS} == {n: before[n] for n in OTHERS}
        assert all(is_alive(before[name]) for name in OTHERS)
        assert "REST API (pid" in platform.text and "killed by SIGKILL" in platform.text

        status = run_script(root, other_shell, "./start_nicegui.sh", "status")
        api_line = line_of(status.stdout, "REST API")
        assert f"pid={platform.pid('api')}" in api_line and "restarts=1" in api_line
        assert "last exit=-9 (killed by SIGKILL)" in api_line

        login = run_script(root, other_shell, "./authenticate.sh")
        assert login.returncode == 0, login.stdout + login.stderr
        assert f"Using the API at {api} (ports of the running platform" in login.stdout

        stop = run_script(root, other_shell, "./start_nicegui.sh", "stop")
        assert stop.returncode == 0, stop.stdout + stop.stderr
        assert f"API {api}" in stop.stdout and "Platform stopped." in stop.stdout
        assert platform.exited(60) == 0, platform.text
    finally:
        platform.ctrl_c()
    assert "All platform processes stopped." in platform.text
    assert platform.text.count("restarted (pid") == 1, "nothing restarts during shutdown"
    assert not list((root / "logs").glob("*.pid"))
    assert all(port_is_free("127.0.0.1", int(env[name])) for name in PORT_SETTINGS)


def test_crash_loop_is_given_up_with_one_line_and_the_rest_keeps_running(platform_copy) -> None:
    root, env = platform_copy
    marker = root / "scheduler-is-broken"
    # Test hook (scripts/launcher/specs.py): the scheduler starts normally, and once the
    # marker exists every restart exits at once with code 3, like a broken deploy.
    env["LAUNCHER_TEST_COMMAND_SCHEDULER"] = (
        f"sh -c 'if [ -e {marker} ]; then echo the scheduler cannot start; exit 3; fi; "
        "exec .venv/bin/python -m scripts.jobs.scheduler_service'"
    )
    platform = RunningPlatform(root, env)
    try:
        platform.wait_until_ready()
        others = {name: platform.pid(name) for name in ("sandbox", "feed", "api", "dashboard")}
        marker.touch()
        os.kill(platform.pid("scheduler"), signal.SIGKILL)
        gave_up = platform.wait_for("Scheduler died", 60)
        logs = root / "logs"
        assert gave_up.strip() == (
            "Scheduler died 5 times within 60 s (last exit code 3); not restarting it again, "
            f"the rest keeps running. See {logs / 'scheduler.log'} and {logs / 'scheduler.out'}."
        )
        assert gave_up.strip() in (logs / "launcher.log").read_text()
        assert platform.text.count("Scheduler restarted") == 4
        assert platform.process.poll() is None, "the launcher keeps running"
        assert {name: platform.pid(name) for name in others} == others
        assert answers(f"http://127.0.0.1:{env['API_PORT']}/api/health", 10)
        assert answers(f"http://127.0.0.1:{env['DASHBOARD_PORT']}/healthz", 10)
        assert answers(f"http://127.0.0.1:{env['SANDBOX_PORT']}/sandbox/health", 10)

        status = run_script(root, env, "./start_nicegui.sh", "status")
        scheduler = line_of(status.stdout, "Scheduler")
        assert "gave up" in scheduler and "pid=-" in scheduler
        assert "restarts=4" in scheduler and "last exit=3" in scheduler
        assert status.returncode == 1
    finally:
        code = platform.ctrl_c()
    assert code == 0, platform.text
    assert "All platform processes stopped." in platform.text
    assert not list((root / "logs").glob("*.pid"))


def test_killed_feed_process_is_restarted_and_the_api_reads_it_again(platform_copy) -> None:
    """The launcher supervises the market-feed process, and the API reads the restarted one."""
    root, env = platform_copy
    api = f"http://127.0.0.1:{env['API_PORT']}"
    platform = RunningPlatform(root, env)
    try:
        platform.wait_until_ready()
        key = {"X-API-Key": _api_key(root)}
        before = platform.pid("feed")
        os.kill(before, signal.SIGKILL)
        platform.wait_for("Market feed restarted", 30)
        assert platform.pid("feed") != before
        deadline = time.monotonic() + 30
        state = ""
        while time.monotonic() < deadline and state != "stopped":
            state = httpx.get(f"{api}/api/feed/health", headers=key, timeout=5).json()["data"][
                "state"
            ]
            time.sleep(0.2)
        assert state == "stopped", "the API never read the restarted feed process"
        status = run_script(root, env, "./start_nicegui.sh", "status")
        feed_line = line_of(status.stdout, "Market feed")
        assert f"pid={platform.pid('feed')}" in feed_line and "restarts=1" in feed_line
    finally:
        code = platform.ctrl_c()
    assert code == 0, platform.text


def _api_key(root) -> str:
    for line in (root / ".env").read_text().splitlines():
        if line.startswith("API_KEY="):
            return line.split("=", 1)[1].strip()
    raise AssertionError("no API_KEY in .env")
