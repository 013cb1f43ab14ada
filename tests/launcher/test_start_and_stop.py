"""The launcher: clear message on a busy port, PID-file safety, stop when nothing runs."""

from __future__ import annotations

import os
import socket

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
    assert names == ["sandbox", "api", "scheduler", "dashboard"]


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
