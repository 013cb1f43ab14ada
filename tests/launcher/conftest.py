"""A real stand-in for a process of an earlier or running platform: python run in the project."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scripts.launcher.processes import is_platform_process

PlatformPython = Callable[..., subprocess.Popen]


@pytest.fixture
def platform_python(project_root: Path) -> Iterator[PlatformPython]:
    """Starts ``python -c <code>`` with the project as cwd (what the PID checks accept)."""
    started: list[subprocess.Popen] = []

    def start(code: str = "import time; time.sleep(120)") -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=project_root)
        started.append(process)
        deadline = time.monotonic() + 10
        while not is_platform_process(process.pid, project_root) and time.monotonic() < deadline:
            if process.poll() is not None:
                break  # a short-lived stand-in may be gone already; that is its job
            time.sleep(0.01)  # between fork and exec /proc shows the parent's cwd
        return process

    yield start
    for process in started:
        process.kill()
        process.wait(timeout=10)
