"""A fresh copy of the checkout and ``./start_nicegui.sh`` running in it, as a user would.

The copy shares this checkout's .venv (a symlink) so the tests measure the
platform, not pip; everything else (.env, secrets, database, logs) is created
by the script itself, as on a new user's machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from scripts.config.settings import PROJECT_ROOT

START_TIMEOUT = 240
# A user's shell has none of the platform's settings, no launcher test hooks and no
# pytest/NiceGUI test variables (NiceGUI switches to its screen-test mode when it sees
# PYTEST_CURRENT_TEST).
FOREIGN_VARIABLES = (
    "DATABASE_URL",
    "API_",
    "UPSTOX_",
    "DASHBOARD_",
    "PYTEST_",
    "NICEGUI_",
    "LAUNCHER_",
)
PORT_SETTINGS = ("API_PORT", "DASHBOARD_PORT", "SANDBOX_PORT", "FEED_PORT")


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


def run_script(root: Path, env: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    """Run one of the shell entry points from "another terminal"."""
    return subprocess.run(
        list(command), cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


class RunningPlatform:
    """``./start_nicegui.sh`` in the foreground; its output is collected line by line."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.output: list[str] = []
        self._new_line = threading.Condition()
        self.process = subprocess.Popen(
            ["./start_nicegui.sh"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._new_line:
                self.output.append(line)
                self._new_line.notify_all()
        with self._new_line:
            self._new_line.notify_all()

    @property
    def text(self) -> str:
        with self._new_line:
            return "".join(self.output)

    def wait_for(self, fragment: str, timeout: float) -> str:
        """The first output line containing ``fragment``; fails with the output so far."""
        deadline = time.monotonic() + timeout
        with self._new_line:
            while True:
                for line in self.output:
                    if fragment in line:
                        return line
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._reader.is_alive():
                    raise AssertionError(f"no {fragment!r} in the output:\n{''.join(self.output)}")
                self._new_line.wait(min(remaining, 0.5))

    def wait_until_ready(self) -> None:
        self.wait_for("Press Ctrl-C to stop", START_TIMEOUT)

    def pid(self, name: str) -> int:
        return int((self.root / "logs" / f"{name}.pid").read_text())

    def exited(self, timeout: float) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise
        self._reader.join(timeout=10)
        return code

    def ctrl_c(self) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        return self.exited(60)


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
