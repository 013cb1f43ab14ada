"""A real stand-in for a process of an earlier or running platform: python run in the project."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PlatformPython = Callable[..., subprocess.Popen]


@pytest.fixture
def platform_python(project_root: Path) -> Iterator[PlatformPython]:
    """Starts ``python -c <code>`` with the project as cwd (what the PID checks accept)."""
    started: list[subprocess.Popen] = []

    def start(code: str = "import time; time.sleep(120)") -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=project_root)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
        process.wait(timeout=10)
