"""End to end: ./start_nicegui.sh in a fresh copy brings up every process; Ctrl-C stops them all.

The copy and the running script are in ``tests/e2e/platform_copy.py``.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from scripts.launcher import port_is_free
from tests.e2e.platform_copy import RunningPlatform, run_script

pytestmark = pytest.mark.e2e


def test_start_script_runs_everything_and_ctrl_c_stops_it(platform_copy) -> None:
    root, env = platform_copy
    api = f"http://127.0.0.1:{env['API_PORT']}"
    dashboard = f"http://127.0.0.1:{env['DASHBOARD_PORT']}"
    sandbox_url = f"http://127.0.0.1:{env['SANDBOX_PORT']}"
    platform = RunningPlatform(root, env)
    try:
        platform.wait_until_ready()
        banner = platform.text
        assert (
            "SANDBOX mode" in banner and dashboard in banner and ".dashboard_credentials" in banner
        )

        health = httpx.get(f"{api}/api/health", timeout=5).json()["data"]
        assert health["mode"] == "sandbox" and health["database"]["ok"]
        assert health["scheduler"]["state"] == "running"
        assert health["broker"]["reachable"] is True
        assert httpx.get(f"{dashboard}/healthz", timeout=5).status_code == 200
        assert httpx.get(f"{sandbox_url}/sandbox/health", timeout=5).status_code == 200
        feed = httpx.get(f"http://127.0.0.1:{env['FEED_PORT']}/health", timeout=5).json()["data"]
        assert feed["state"] == "stopped" and feed["feeds_opened"] == 0  # no subscriber yet
        assert health["broker"]["feed"]["state"] == "stopped"  # read through the API
        for name in ("launcher", "sandbox", "feed", "api", "scheduler", "dashboard"):
            assert (root / "logs" / f"{name}.pid").exists(), name
        if env.get("DATABASE_URL") is None:
            assert (root / "market_data.db").exists()
        password = (root / ".dashboard_credentials").read_text().split("password: ")[1].strip()
        log_in_with_browser(dashboard, password)
    finally:
        code = platform.ctrl_c()
    assert code == 0, platform.text
    assert "All platform processes stopped." in platform.text
    assert not list((root / "logs").glob("*.pid"))
    for port in ("API_PORT", "DASHBOARD_PORT", "SANDBOX_PORT", "FEED_PORT"):
        assert port_is_free("127.0.0.1", int(env[port]))
    stop = run_script(root, env, "./start_nicegui.sh", "stop")
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
