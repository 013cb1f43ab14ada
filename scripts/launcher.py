"""Start, stop and inspect the platform's processes.

Usage: ``python -m scripts.launcher start|stop|status``.

``./start_nicegui.sh`` runs ``start`` in the foreground: it refuses to start
on a busy port (with a message naming the port and the setting to change),
starts the built-in Upstox sandbox (sandbox mode only), the API, the scheduler
and the dashboard, waits until each answers its health check, prints the URLs,
and stops everything cleanly on Ctrl-C. PID files and logs live in ``logs/``,
so ``stop`` works from another terminal.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

from scripts.config.dashboard_settings import dashboard_environment
from scripts.config.settings import Settings, settings_for_command

HEALTH_TIMEOUT_SECONDS = 90.0
STOP_GRACE_SECONDS = 10.0
LAUNCHER = "launcher"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    title: str
    command: list[str]
    port: int | None
    port_setting: str | None
    host: str
    is_ready: Callable[[], bool]
    environment: dict[str, str] | None = None  # None: the launcher's own environment


def service_specs(settings: Settings) -> list[ServiceSpec]:
    """The processes to run, in start order (each depends on the ones before it)."""
    python = sys.executable
    specs = []
    if settings.mode == "sandbox":
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
                lambda: _http_ok(f"{settings.sandbox_url}/sandbox/health"),
            )
        )
    specs += [
        ServiceSpec(
            "api",
            "REST API",
            [python, "-m", "scripts.api"],
            settings.api_port,
            "API_PORT",
            settings.api_host,
            lambda: _http_ok(f"{settings.api_url}/api/health"),
        ),
        ServiceSpec(
            "scheduler",
            "Scheduler",
            [python, "-m", "scripts.jobs.scheduler_service"],
            None,
            None,
            settings.api_host,
            lambda: _scheduler_running(settings),
        ),
        ServiceSpec(
            "dashboard",
            "Dashboard",
            [python, str(settings.project_root / "dashboard_ui" / "nicegui_dashboard.py")],
            settings.dashboard_port,
            "DASHBOARD_PORT",
            settings.dashboard_host,
            lambda: _http_ok(f"{dashboard_url(settings)}/healthz"),
            # Only what the UI needs: no ENCRYPTION_KEY, no DATABASE_URL.
            environment=dashboard_environment(settings),
        ),
    ]
    return specs


def dashboard_url(settings: Settings) -> str:
    return f"http://{settings.dashboard_host}:{settings.dashboard_port}"


def _http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _scheduler_running(settings: Settings) -> bool:
    try:
        health = httpx.get(f"{settings.api_url}/api/health", timeout=2.0).json()
        return bool(health["data"]["scheduler"]["ok"])
    except (httpx.HTTPError, ValueError, KeyError):
        return False


def port_is_free(host: str, port: int) -> bool:
    """True if nothing listens on host:port (SO_REUSEADDR ignores sockets in TIME_WAIT)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class Launcher:
    def __init__(self, settings: Settings, out: Callable[[str], None] = print) -> None:
        self.settings = settings
        self.out = out
        self.run_dir = settings.log_dir
        self.children: dict[str, subprocess.Popen] = {}
        self._stopping = False

    # --- PID files ---------------------------------------------------------
    def pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def running_pid(self, name: str) -> int | None:
        """The PID in ``name``'s PID file if that process is still ours and alive."""
        path = self.pid_file(name)
        try:
            pid = int(path.read_text().strip())
        except (OSError, ValueError):
            return None
        if not _is_platform_process(pid, self.settings.project_root):
            path.unlink(missing_ok=True)
            return None
        return pid

    # --- start -------------------------------------------------------------
    def start(self) -> int:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        already = self.running_pid(LAUNCHER)
        if already:
            self.out(
                f"The platform is already running (launcher pid {already}). "
                "Stop it with ./start_nicegui.sh stop"
            )
            return 1
        specs = service_specs(self.settings)
        for spec in specs:
            if spec.port is not None and not port_is_free(spec.host, spec.port):
                self.out(
                    f"Port {spec.port} ({spec.title}) is already in use on {spec.host}: another "
                    f"program, or an earlier run of the platform, is listening there. Stop it "
                    f"(./start_nicegui.sh stop) or choose another port with {spec.port_setting} "
                    "in .env."
                )
                return 1
        self.pid_file(LAUNCHER).write_text(str(os.getpid()))
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        try:
            for spec in specs:
                if not self._start_one(spec):
                    self.stop_children()
                    return 1
            self._print_ready(specs)
            return self._supervise()
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop_children()
            self.pid_file(LAUNCHER).unlink(missing_ok=True)

    def _start_one(self, spec: ServiceSpec) -> bool:
        self.out(f"Starting {spec.title} ...")
        log_path = self.run_dir / f"{spec.name}.out"
        with log_path.open("ab") as log_file:
            child = subprocess.Popen(
                spec.command,
                cwd=self.settings.project_root,
                env=spec.environment,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.children[spec.name] = child
        self.pid_file(spec.name).write_text(str(child.pid))
        deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not self._stopping:
            if child.poll() is not None:
                self.out(
                    f"{spec.title} exited with code {child.returncode}. Last lines of "
                    f"{log_path}:\n{_tail(log_path)}"
                )
                return False
            if spec.is_ready():
                return True
            time.sleep(0.3)
        if not self._stopping:
            self.out(
                f"{spec.title} did not become healthy within {HEALTH_TIMEOUT_SECONDS:.0f} s. "
                f"Last lines of {log_path}:\n{_tail(log_path)}"
            )
        return False

    def _print_ready(self, specs: list[ServiceSpec]) -> None:
        s = self.settings
        lines = [
            "",
            f"Upstox Trading Platform is running in {s.mode_label} mode ({s.mode}).",
            f"  Dashboard : {dashboard_url(s)}",
            f"  REST API  : {s.api_url}/api  (docs: {s.api_url}/api/docs)",
        ]
        if any(spec.name == "sandbox" for spec in specs):
            lines.append(f"  Sandbox   : {s.sandbox_url}  (built-in Upstox simulator)")
        credentials = s.project_root / ".dashboard_credentials"
        where = (
            f"the password is in {credentials}"
            if credentials.exists()
            else "use the password you set"
        )
        lines += [
            f"  Login     : user '{s.dashboard_user}'; {where}",
            f"  API key   : API_KEY in {s.project_root / '.env'} (header X-API-Key)",
            f"  Logs      : {s.log_dir}/",
            "Press Ctrl-C to stop (or run ./start_nicegui.sh stop).",
            "",
        ]
        self.out("\n".join(lines))

    def _supervise(self) -> int:
        while not self._stopping:
            for name, child in self.children.items():
                if child.poll() is not None:
                    self.out(
                        f"{name} stopped unexpectedly (exit code {child.returncode}); "
                        f"see {self.run_dir / (name + '.out')}. Stopping the platform."
                    )
                    return 1
            time.sleep(0.5)
        return 0

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def stop_children(self) -> None:
        """Stop in reverse start order: dashboard first, sandbox last."""
        for name in reversed(list(self.children)):
            _terminate(self.children[name])
            self.pid_file(name).unlink(missing_ok=True)
        if self.children:
            self.out("All platform processes stopped.")
        self.children.clear()

    # --- stop / status from another terminal ----------------------------------
    def stop(self) -> int:
        stopped = False
        launcher = self.running_pid(LAUNCHER)
        if launcher:
            os.kill(launcher, signal.SIGTERM)
            _wait_gone(launcher, STOP_GRACE_SECONDS * 3)
            stopped = True
        for spec in reversed(service_specs(self.settings)):
            pid = self.running_pid(spec.name)
            if pid:
                os.kill(pid, signal.SIGTERM)
                if not _wait_gone(pid, STOP_GRACE_SECONDS):
                    os.kill(pid, signal.SIGKILL)
                stopped = True
            self.pid_file(spec.name).unlink(missing_ok=True)
        self.pid_file(LAUNCHER).unlink(missing_ok=True)
        self.out("Platform stopped." if stopped else "The platform was not running.")
        return 0

    def status(self) -> int:
        any_down = False
        for spec in service_specs(self.settings):
            pid = self.running_pid(spec.name)
            healthy = bool(pid) and spec.is_ready()
            any_down |= not healthy
            state = "healthy" if healthy else ("starting/unhealthy" if pid else "stopped")
            self.out(f"{spec.title:15} {state:18} pid={pid or '-'}")
        return 1 if any_down else 0


def _terminate(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(timeout=5)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _is_platform_process(pid: int, project_root: Path) -> bool:
    """Guards against a recycled PID: the process must be a python started from this project."""
    try:
        os.kill(pid, 0)
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except (ProcessLookupError, PermissionError, FileNotFoundError, OSError):
        return False
    return "python" in cmdline and Path(cwd).resolve() == project_root.resolve()


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "start"
    if command not in ("start", "stop", "status"):
        print("usage: python -m scripts.launcher start|stop|status", file=sys.stderr)
        return 2
    settings = settings_for_command()
    launcher = Launcher(settings, out=lambda text: print(text, flush=True))
    return {"start": launcher.start, "stop": launcher.stop, "status": launcher.status}[command]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
