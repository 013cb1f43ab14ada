"""Fixtures for the dashboard tests: the dashboard wired to the real API on a real socket.

``user`` runs ``dashboard_ui/nicegui_dashboard.py`` exactly as NiceGUI's own
``user`` fixture does (``runpy`` under ``__main__``), but first puts every
setting the dashboard needs into the environment, so ``load_settings()``
points it at the ``api_server`` fixture and the test's private secrets
whatever the project's ``.env`` says. It is defined here rather than taken
from ``nicegui.testing.user_plugin`` because a plugin can only be declared in
the root conftest, and the environment must be in place before the main file
runs.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from dotenv import dotenv_values
from nicegui.testing.general_fixtures import pytest_configure  # noqa: F401 (temp storage)
from nicegui.testing.user import User
from nicegui.testing.user_simulation import user_simulation

from scripts.config.dashboard_settings import dashboard_environment
from scripts.logging_setup import is_platform_handler
from scripts.config.settings import PROJECT_ROOT, Settings
from scripts.config.variables import DashboardVariables
from tests.browser import CHROMIUM

MAIN_FILE = PROJECT_ROOT / "dashboard_ui" / "nicegui_dashboard.py"
# Tests should not wait out production poll intervals.
FAST_REFRESH = {
    "STATUS_POLL_SECONDS": 0.3,
    "PAGE_REFRESH_SECONDS": 0.5,
    "MAX_BACKOFF_SECONDS": 0.6,
}


@pytest.fixture
def dashboard_env(project_root: Path, settings_env: dict[str, str], settings: Settings) -> dict:
    """Every setting the dashboard reads: the test .env's secrets plus the test's ports."""
    env = {k: v for k, v in dotenv_values(project_root / ".env").items() if v is not None}
    env.update(settings_env)
    env["API_URL"] = settings.api_url
    return env


@pytest.fixture
async def user(
    dashboard_env: dict[str, str],
    api_server,  # noqa: ANN001 - the real API, served on settings.api_port
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[User]:
    """A simulated browser user of a freshly built dashboard talking to the real API."""
    for name, value in dashboard_env.items():
        monkeypatch.setenv(name, value)
    imported_before = _forget_dashboard_modules()
    try:
        async with user_simulation(main_file=MAIN_FILE) as simulated:
            refresh = sys.modules["dashboard_ui.refresh"]
            for name, value in FAST_REFRESH.items():
                monkeypatch.setattr(refresh, name, value)
            yield simulated
            errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
            if errors:
                pytest.fail(f"unexpected ERROR logs: {[r.getMessage() for r in errors]}")
    finally:
        _remove_platform_log_handlers()
        _forget_dashboard_modules()
        sys.modules.update(imported_before)


def _forget_dashboard_modules() -> dict[str, object]:
    """Each test imports dashboard_ui afresh, as a new dashboard process would.

    Returns the forgotten modules so they can be put back: test modules that
    imported dashboard_ui at collection keep seeing the same classes.
    """
    names = [m for m in sys.modules if m == "dashboard_ui" or m.startswith("dashboard_ui.")]
    return {name: sys.modules.pop(name) for name in names}


def _remove_platform_log_handlers() -> None:
    """The main file configures logging into the test's temp folder; close those files."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if is_platform_handler(handler):
            root.removeHandler(handler)
            handler.close()


@pytest.fixture
def dashboard_child(
    dashboard_env: dict[str, str], settings: Settings, api_server, tmp_path: Path  # noqa: ANN001
) -> Iterator[subprocess.Popen]:
    """The dashboard as the launcher runs it: a real process, with the launcher's environment
    for it (only the dashboard's variables; a test's ``dashboard_env`` overrides still apply).
    Yields the process once /healthz is up."""
    env = dashboard_environment(settings)
    env.update({k: v for k, v in dashboard_env.items() if k in DashboardVariables.model_fields})
    env["NICEGUI_STORAGE_PATH"] = str(tmp_path / "nicegui-storage")
    log_path = tmp_path / "dashboard.out"
    with open(log_path, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(MAIN_FILE)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_healthz(dashboard_address(settings), process, log_path)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def dashboard_process(dashboard_child: subprocess.Popen, settings: Settings) -> str:
    """The URL of a running dashboard process (see ``dashboard_child``)."""
    return dashboard_address(settings)


def dashboard_address(settings: Settings) -> str:
    return f"http://{settings.dashboard_host}:{settings.dashboard_port}"


def _wait_for_healthz(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the dashboard exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the dashboard did not answer /healthz in 30 s:\n{log_path.read_text()[-3000:]}")


@pytest.fixture
def chromium_available() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
