"""The launcher: ports checked before anything starts, start failures, PID-file safety, stop."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time

from scripts.config.settings import load_settings
from scripts.launcher import Launcher, port_is_free, service_specs


def test_busy_port_gives_one_clear_message(settings) -> None:
    messages: list[str] = []
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", settings.api_port))
        blocker.listen()
        assert not port_is_free("127.0.0.1", settings.api_port)
        assert Launcher(settings, out=messages.append).start() == 1
    (message,) = messages
    assert f"Port {settings.api_port} (REST API) is already in use" in message
    assert "API_PORT" in message and "Traceback" not in message
    assert not (settings.log_dir / "launcher.pid").exists()
    assert port_is_free("127.0.0.1", settings.api_port)


def test_sandbox_runs_only_in_sandbox_mode(settings) -> None:
    names = [spec.name for spec in service_specs(settings)]
    assert names == ["sandbox", "feed", "api", "scheduler", "dashboard"]


def test_the_feed_process_is_checked_on_its_own_port_and_health_url(settings) -> None:
    (feed,) = [spec for spec in service_specs(settings) if spec.name == "feed"]
    assert feed.command[1:] == ["-m", "scripts.feed_process"]
    assert (feed.port, feed.port_setting, feed.host) == (
        settings.feed_port,
        "FEED_PORT",
        "127.0.0.1",
    )
    assert feed.health_url == f"http://127.0.0.1:{settings.feed_port}/health"
    assert feed.is_ready() is False  # nothing listens yet


def test_stale_or_foreign_pid_file_is_ignored(settings) -> None:
    launcher = Launcher(settings, out=lambda _: None)
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    launcher.pid_file("api").write_text(str(os.getppid()))  # alive, but not ours
    assert launcher.running_pid("api") is None
    assert not launcher.pid_file("api").exists()
    launcher.pid_file("api").write_text("999999999")
    assert launcher.running_pid("api") is None


def test_stop_when_not_running_says_so(settings) -> None:
    messages: list[str] = []
    assert Launcher(settings, out=messages.append).stop() == 0
    assert messages == ["The platform was not running."]


def test_busy_port_is_found_before_anything_starts_and_names_the_setting(settings) -> None:
    messages: list[str] = []
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", settings.dashboard_port))  # the last process to start
        blocker.listen()
        assert Launcher(settings, out=messages.append).start() == 1
    (message,) = messages
    assert message == (
        f"Port {settings.dashboard_port} (Dashboard) is already in use by another program on "
        "127.0.0.1; set DASHBOARD_PORT in .env to a free port (or stop that program)."
    )
    assert not list(settings.log_dir.glob("*.out")), "nothing was started"


def test_two_settings_on_one_port_are_named_together(project_root, settings_env) -> None:
    env = {**settings_env, "DASHBOARD_PORT": settings_env["API_PORT"]}
    settings = load_settings(environ=env, project_root=project_root)
    messages: list[str] = []
    assert Launcher(settings, out=messages.append).start() == 1
    (message,) = messages
    assert f"Port {settings.api_port} is set for both the REST API (API_PORT)" in message
    assert "the Dashboard (DASHBOARD_PORT); set DASHBOARD_PORT in .env" in message
    assert not list(settings.log_dir.glob("*.out"))


def test_port_held_by_an_earlier_run_says_to_stop_it(settings, platform_python) -> None:
    holder = platform_python(
        "import socket, time\n"
        f"s = socket.socket(); s.bind(('127.0.0.1', {settings.api_port})); s.listen()\n"
        "time.sleep(120)"
    )
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    (settings.log_dir / "api.pid").write_text(str(holder.pid))
    deadline = time.monotonic() + 10
    while port_is_free("127.0.0.1", settings.api_port) and time.monotonic() < deadline:
        time.sleep(0.05)
    messages: list[str] = []
    assert Launcher(settings, out=messages.append).start() == 1
    assert messages == [
        f"Port {settings.api_port} (REST API) is already in use by an earlier run of the "
        f"platform (pid {holder.pid}); stop it with ./start_nicegui.sh stop."
    ]


def test_process_failing_at_start_shows_only_this_runs_log_lines(settings) -> None:
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    (settings.log_dir / "sandbox.out").write_text("STALE: an error from yesterday's run\n")
    failing = [sys.executable, "-c", "print('cannot open the order book', flush=True); exit(3)"]
    messages: list[str] = []
    launcher = Launcher(settings, out=messages.append, command_overrides={"sandbox": failing})
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert launcher.start() == 1
    failure = next(m for m in messages if "exited" in m)
    assert failure.startswith("Upstox sandbox exited with code 3 at start.")
    assert failure.endswith("):\ncannot open the order book")
    assert "STALE" not in "\n".join(messages)
    assert not list(settings.log_dir.glob("*.pid"))
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
