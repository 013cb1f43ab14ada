"""Start, supervise, stop and inspect the platform's processes.

``./start_nicegui.sh`` runs ``start`` in the foreground: it checks every port
first (one line per clash, naming the setting to change), starts the built-in
Upstox sandbox (sandbox mode only), the API, the scheduler and the dashboard,
waits until each answers its health check, prints the URLs, and then
supervises: a process that dies is restarted with backoff, and a crash loop is
given up with one line naming the process and its log, while the rest keep
running (:mod:`scripts.launcher.restart_policy`). Ctrl-C or ``stop`` ends
everything without restarts. PID files, logs and ``launcher_state.json`` live
in ``logs/``, so ``stop`` and ``status`` work from another terminal.
"""

from __future__ import annotations

import logging
import os
import signal
from signal import SIGINT, SIGTERM
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from scripts.config.settings import Settings
from scripts.launcher.ports import port_clashes
from scripts.launcher.processes import (
    STOP_GRACE_SECONDS,
    Spawned,
    describe_exit,
    is_platform_process,
    lines_since,
    spawn,
    terminate,
    wait_gone,
)
from scripts.launcher.restart_policy import RestartPolicy
from scripts.launcher.specs import ServiceSpec, dashboard_url, service_specs
from scripts.launcher.state import (
    addresses_of,
    running_platform_state,
    settings_from_state,
    settings_of_running_platform,
    state_path,
    write_state,
)

HEALTH_TIMEOUT_SECONDS = 90.0
POLL_SECONDS = 0.2
LAUNCHER = "launcher"

log = logging.getLogger(__name__)


@dataclass
class Supervised:
    """One process under supervision: what runs now and how it fared so far."""

    spec: ServiceSpec
    policy: RestartPolicy
    spawned: Spawned | None = None
    state: str = "starting"  # starting, running, restarting, gave up, stopped
    restarts: int = 0
    last_exit: int | None = None
    restart_at: float = 0.0

    @property
    def pid(self) -> int | None:
        return self.spawned.process.pid if self.spawned and self.state == "running" else None


class Launcher:
    def __init__(
        self,
        settings: Settings,
        out: Callable[[str], None] = print,
        command_overrides: Mapping[str, list[str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.out = out
        self.run_dir = settings.log_dir
        self.command_overrides = dict(command_overrides or {})
        self.clock = clock
        self.processes: dict[str, Supervised] = {}
        self._stopping = False

    def say(self, text: str) -> None:
        """To ``logs/launcher.log`` and the terminal (log first: who reads the line finds both)."""
        log.info(text)
        self.out(text)

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
        if not is_platform_process(pid, self.settings.project_root):
            path.unlink(missing_ok=True)
            return None
        return pid

    # --- start and supervise --------------------------------------------------
    def start(self) -> int:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        already = self.running_pid(LAUNCHER)
        if already:
            self.say(
                f"The platform is already running (launcher pid {already}). "
                "Stop it with ./start_nicegui.sh stop"
            )
            return 1
        specs = service_specs(self.settings, self.command_overrides)
        problems = port_clashes(specs, self.running_pid)
        if problems:
            self.say("\n".join(problems))
            return 1
        self.pid_file(LAUNCHER).write_text(str(os.getpid()))
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (SIGTERM, SIGINT)}
        self.processes = {spec.name: Supervised(spec, RestartPolicy(self.clock)) for spec in specs}
        self._save_state()
        try:
            for process in self.processes.values():
                if not self._start_first(process):
                    return 0 if self._stopping else 1
            self._print_ready(specs)
            self._supervise()
            return 0
        finally:
            self.stop_children()
            self.pid_file(LAUNCHER).unlink(missing_ok=True)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _spawn(self, process: Supervised) -> None:
        name = process.spec.name
        process.spawned = spawn(
            process.spec.command,
            self.settings.project_root,
            self.run_dir / f"{name}.out",
            process.spec.environment,
        )
        process.state = "running"
        self.pid_file(name).write_text(str(process.spawned.process.pid))
        self._save_state()

    def _start_first(self, process: Supervised) -> bool:
        """Start one process and wait for its health check; a failure here stops the start."""
        spec = process.spec
        self.say(f"Starting {spec.title} ...")
        self._spawn(process)
        assert process.spawned is not None
        child, out_path = process.spawned.process, process.spawned.out_path
        deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not self._stopping:
            if child.poll() is not None:
                process.last_exit = child.returncode
                self.say(
                    f"{spec.title} exited with code {describe_exit(child.returncode)} at start. "
                    f"Its output from this run ({out_path}):\n"
                    f"{lines_since(out_path, process.spawned.out_offset)}"
                )
                return False
            if spec.is_ready():
                return True
            time.sleep(0.3)
        if not self._stopping:
            self.say(
                f"{spec.title} did not become healthy within {HEALTH_TIMEOUT_SECONDS:.0f} s "
                f"({spec.health_url}). Its output from this run ({out_path}):\n"
                f"{lines_since(out_path, process.spawned.out_offset)}"
            )
        return False

    def stopping(self) -> bool:
        """Set by a signal handler at any moment, so read it afresh (not a narrowed local)."""
        return self._stopping

    def _supervise(self) -> None:
        while not self.stopping():
            for process in self.processes.values():
                if self.stopping():  # Ctrl-C or stop may arrive between two processes
                    break
                self._watch(process)
            time.sleep(POLL_SECONDS)

    def _watch(self, process: Supervised) -> None:
        """Notice a death and plan the restart, or restart when its backoff has passed."""
        spec = process.spec
        if process.state == "running" and process.spawned is not None:
            code = process.spawned.process.poll()
            if code is None:
                return
            pid = process.spawned.process.pid
            process.last_exit = code
            self.pid_file(spec.name).unlink(missing_ok=True)
            decision = process.policy.record_death()
            if decision.give_up:
                process.state = "gave up"
                self.say(
                    f"{spec.title} died {decision.deaths_in_window} times within "
                    f"{process.policy.window:.0f} s (last exit code {describe_exit(code)}); "
                    f"not restarting it again, the rest keeps running. See "
                    f"{self._logs_of(spec.name)}."
                )
            else:
                process.state = "restarting"
                process.restart_at = self.clock() + decision.delay_seconds
                self.say(
                    f"{spec.title} (pid {pid}) exited with code {describe_exit(code)}; "
                    f"restarting it in {decision.delay_seconds:.0f} s. See "
                    f"{self._logs_of(spec.name)}."
                )
            self._save_state()
        elif process.state == "restarting" and self.clock() >= process.restart_at:
            if self._stopping:
                return
            process.restarts += 1
            self._spawn(process)
            self.say(
                f"{spec.title} restarted (pid {process.pid}; restart {process.restarts} so far)."
            )

    def _logs_of(self, name: str) -> str:
        files = [self.run_dir / f"{name}{suffix}" for suffix in (".log", ".out")]
        return " and ".join(str(path) for path in files if path.exists()) or str(files[1])

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def stop_children(self) -> None:
        """Stop in reverse start order: dashboard first, sandbox last; nothing restarts now."""
        self._stopping = True
        stopped_any = False
        for process in reversed(list(self.processes.values())):
            if process.spawned is not None:
                terminate(process.spawned.process)
                stopped_any = True
            process.state = "stopped"
            self.pid_file(process.spec.name).unlink(missing_ok=True)
        if self.processes:
            self._save_state(launcher_running=False)
        if stopped_any:
            self.say("All platform processes stopped.")
        self.processes.clear()

    def _save_state(self, launcher_running: bool = True) -> None:
        write_state(
            state_path(self.settings),
            {
                "launcher_pid": os.getpid() if launcher_running else None,
                "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "mode": self.settings.mode,
                "addresses": addresses_of(self.settings),
                "processes": {
                    name: {
                        "title": process.spec.title,
                        "state": process.state,
                        "pid": process.pid,
                        "restarts": process.restarts,
                        "last_exit": process.last_exit,
                        "log": self._logs_of(name),
                    }
                    for name, process in self.processes.items()
                },
            },
        )

    def _print_ready(self, specs: list[ServiceSpec]) -> None:
        s = self.settings
        lines = [
            "",
            f"Upstox Trading Platform is running in {s.mode_label} mode ({s.mode}).",
            f"  Dashboard : {dashboard_url(s)}",
            f"  REST API  : {s.api_url}/api  (docs: {s.api_url}/api/docs)",
            f"  Feed      : http://{s.feed_host}:{s.feed_port}/health  (market-feed process)",
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

    # --- stop / status from another terminal ----------------------------------
    def stop(self) -> int:
        stopped = False
        effective, where = settings_of_running_platform(self.settings)
        launcher = self.running_pid(LAUNCHER)
        if launcher:
            self.out(
                f"Stopping the platform (launcher pid {launcher}; API {effective.api_url}, "
                f"{where}) ..."
            )
            os.kill(launcher, signal.SIGTERM)
            wait_gone(launcher, STOP_GRACE_SECONDS * 3)
            stopped = True
        for spec in reversed(service_specs(effective)):
            pid = self.running_pid(spec.name)
            if pid:
                os.kill(pid, signal.SIGTERM)
                if not wait_gone(pid, STOP_GRACE_SECONDS):
                    os.kill(pid, signal.SIGKILL)
                stopped = True
            self.pid_file(spec.name).unlink(missing_ok=True)
        self.pid_file(LAUNCHER).unlink(missing_ok=True)
        self.out("Platform stopped." if stopped else "The platform was not running.")
        return 0

    def status(self) -> int:
        """One line per process: state, pid, restarts, last exit code, health, URL checked."""
        state = running_platform_state(self.settings)
        effective, where = settings_from_state(self.settings, state)
        if state:
            self.out(f"Platform running (launcher pid {state['launcher_pid']}); checking {where}.")
        else:
            self.out(f"The platform is not running; checking {where}.")
        recorded = (state or {}).get("processes", {})
        any_down = False
        for spec in service_specs(effective):
            pid = self.running_pid(spec.name)
            record = recorded.get(spec.name, {})
            healthy = bool(pid) and spec.is_ready()
            any_down |= not healthy
            process_state = record.get("state") or ("running" if pid else "stopped")
            health = "healthy" if healthy else ("unhealthy" if pid else "down")
            self.out(
                f"{spec.title:15} {process_state:10} pid={pid or '-':<7} "
                f"restarts={record.get('restarts', 0)} "
                f"last exit={describe_exit(record.get('last_exit'))}  "
                f"{health} ({spec.health_url})"
            )
        return 1 if any_down else 0
