"""What the launcher runs: one ``ServiceSpec`` per process, in start order, with its health probe.

A test hook lives here too: ``LAUNCHER_TEST_COMMAND_<NAME>`` (e.g.
``LAUNCHER_TEST_COMMAND_SCHEDULER="sh -c 'exit 3'"``) replaces the command of
one process, so tests can start a process that crashes or fails at start
without mocking the launcher. Nothing else reads it; users never set it.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import httpx

from scripts.config.dashboard_settings import dashboard_environment
from scripts.config.modes import TradingMode
from scripts.config.settings import Settings

TEST_COMMAND_PREFIX = "LAUNCHER_TEST_COMMAND_"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    title: str
    command: list[str]
    port: int | None
    port_setting: str | None
    host: str
    health_url: str  # what is_ready polls; shown by ``status`` so the user knows what was checked
    is_ready: Callable[[], bool]
    environment: dict[str, str] | None = None  # None: the launcher's own environment


def service_specs(
    settings: Settings, command_overrides: Mapping[str, list[str]] | None = None
) -> list[ServiceSpec]:
    """The processes to run, in start order (each depends on the ones before it)."""
    overrides = command_overrides or {}
    python = sys.executable
    api_health = f"{settings.api_url}/api/health"
    specs = []
    if settings.mode is TradingMode.SANDBOX:
        sandbox_health = f"{settings.sandbox_url}/sandbox/health"
        specs.append(
            ServiceSpec(
                "sandbox",
                "Upstox sandbox",
                [
                    python,
                    "-m",
                    "scripts.upstox_sandbox",
                    "--host",
                    settings.sandbox_host,
                    "--port",
                    str(settings.sandbox_port),
                ],
                settings.sandbox_port,
                "SANDBOX_PORT",
                settings.sandbox_host,
                sandbox_health,
                lambda: _http_ok(sandbox_health),
            )
        )
    # The market-feed process comes before the API: the API's first feed request then finds
    # it answering. It holds the platform's one Upstox feed connection (scripts/feed_process).
    feed_health = f"http://{settings.feed_host}:{settings.feed_port}/health"
    dashboard_health = f"{dashboard_url(settings)}/healthz"
    specs += [
        ServiceSpec(
            "feed",
            "Market feed",
            [python, "-m", "scripts.feed_process"],
            settings.feed_port,
            "FEED_PORT",
            settings.feed_host,
            feed_health,
            lambda: _http_ok(feed_health),
        ),
        ServiceSpec(
            "api",
            "REST API",
            [python, "-m", "scripts.api"],
            settings.api_port,
            "API_PORT",
            settings.api_host,
            api_health,
            lambda: _http_ok(api_health),
        ),
        ServiceSpec(
            "scheduler",
            "Scheduler",
            [python, "-m", "scripts.jobs.scheduler_service"],
            None,
            None,
            settings.api_host,
            api_health,
            lambda: _scheduler_running(api_health),
        ),
        ServiceSpec(
            "dashboard",
            "Dashboard",
            [python, str(settings.project_root / "dashboard_ui" / "nicegui_dashboard.py")],
            settings.dashboard_port,
            "DASHBOARD_PORT",
            settings.dashboard_host,
            dashboard_health,
            lambda: _http_ok(dashboard_health),
            # Only what the UI needs: no ENCRYPTION_KEY, no DATABASE_URL.
            environment=dashboard_environment(settings),
        ),
    ]
    return [_with_command(spec, overrides.get(spec.name)) for spec in specs]


def command_overrides_from(environ: Mapping[str, str]) -> dict[str, list[str]]:
    """The test hook: ``LAUNCHER_TEST_COMMAND_API="..."`` -> ``{"api": [...]}``."""
    return {
        key.removeprefix(TEST_COMMAND_PREFIX).lower(): shlex.split(value)
        for key, value in environ.items()
        if key.startswith(TEST_COMMAND_PREFIX) and value.strip()
    }


def current_command_overrides() -> dict[str, list[str]]:
    return command_overrides_from(os.environ)


def dashboard_url(settings: Settings) -> str:
    return f"http://{settings.dashboard_host}:{settings.dashboard_port}"


def _with_command(spec: ServiceSpec, command: list[str] | None) -> ServiceSpec:
    return spec if command is None else replace(spec, command=command)


def _http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _scheduler_running(api_health_url: str) -> bool:
    """The scheduler has no port: the API's health check reads its heartbeat row."""
    try:
        health = httpx.get(api_health_url, timeout=2.0).json()
        return bool(health["data"]["scheduler"]["ok"])
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return False
