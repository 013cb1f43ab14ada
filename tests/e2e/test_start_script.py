"""End to end: ./start_nicegui.sh in a fresh copy brings up every process; Ctrl-C stops them all.

The copy shares this checkout's .venv (a symlink) so the test measures the
platform, not pip; everything else (.env, secrets, database, logs) is created
by the script itself, as on a new user's machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts.config.settings import PROJECT_ROOT
from scripts.launcher import port_is_free
from tests.conftest import free_port, postgres_url

pytestmark = pytest.mark.e2e
START_TIMEOUT = 240
# A user's shell has none of the platform's settings and no pytest/NiceGUI test variables
# (NiceGUI switches to its screen-test mode when it sees PYTEST_CURRENT_TEST).
FOREIGN_VARIABLES = ("DATABASE_URL", "API_", "UPSTOX_", "DASHBOARD_", "PYTEST_", "NICEGUI_")


def copy_checkout(target: Path) -> None:
    """Copy what git would clone (tracked and new, not ignored files) plus a .venv symlink."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = PROJECT_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(PROJECT_ROOT / ".venv")


class RunningPlatform:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.output: list[str] = []
        self.process = subprocess.Popen(
            ["./start_nicegui.sh"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                break
            self.output.append(line)
            if "Press Ctrl-C to stop" in line:
                return
        raise AssertionError("platform did not start:\n" + "".join(self.output))

    def ctrl_c(self) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            remaining, _ = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise
        self.output.append(remaining or "")
        return self.process.returncode


@pytest.fixture
def platform_copy(tmp_path: Path, database_url_factory) -> Iterator[tuple[Path, dict]]:
    root = tmp_path / "checkout"
    root.mkdir()
    copy_checkout(root)
    ports = {name: free_port() for name in ("API_PORT", "DASHBOARD_PORT", "SANDBOX_PORT")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_VARIABLES)}
    env.update({k: str(v) for k, v in ports.items()})
    if postgres_url():
        env["DATABASE_URL"] = database_url_factory().replace("+psycopg", "")
    yield root, env


def test_start_script_runs_everything_and_ctrl_c_stops_it(platform_copy) -> None:
    root, env = platform_copy
    api = f"http://127.0.0.1:{env['API_PORT']}"
    dashboard = f"http://127.0.0.1:{env['DASHBOARD_PORT']}"
    sandbox_url = f"http://127.0.0.1:{env['SANDBOX_PORT']}"
    platform = RunningPlatform(root, env)
    try:
        platform.wait_until_ready()
        banner = "".join(platform.output)
        assert (
            "SANDBOX mode" in banner and dashboard in banner and ".dashboard_credentials" in banner
        )

        health = httpx.get(f"{api}/api/health", timeout=5).json()["data"]
        assert health["mode"] == "sandbox" and health["database"]["ok"]
        assert health["scheduler"]["state"] == "running"
        assert health["broker"]["reachable"] is True
        assert httpx.get(f"{dashboard}/healthz", timeout=5).status_code == 200
        assert httpx.get(f"{sandbox_url}/sandbox/health", timeout=5).status_code == 200
        for name in ("launcher", "sandbox", "api", "scheduler", "dashboard"):
            assert (root / "logs" / f"{name}.pid").exists(), name
        if env.get("DATABASE_URL") is None:
            assert (root / "market_data.db").exists()
        password = (root / ".dashboard_credentials").read_text().split("password: ")[1].strip()
        log_in_with_browser(dashboard, password)
    finally:
        code = platform.ctrl_c()
    assert code == 0, "".join(platform.output)
    assert "All platform processes stopped." in "".join(platform.output)
    assert not list((root / "logs").glob("*.pid"))
    for port in ("API_PORT", "DASHBOARD_PORT", "SANDBOX_PORT"):
        assert port_is_free("127.0.0.1", int(env[port]))
    stop = subprocess.run(
        ["./start_nicegui.sh", "stop"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert stop.returncode == 0 and "not running" in stop.stdout


def log_in_with_browser(dashboard: str, password: str) -> None:
    """Log in through the real login form in headless Chromium."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed (./run_tests.sh installs it as root)")
    from tests.browser import chromium_page

    with chromium_page() as page:
        page.goto(f"{dashboard}/login")
        page.get_by_label("User name").fill("admin")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{dashboard}/", timeout=15000)
        page.get_by_text("Database").first.wait_for(timeout=15000)
