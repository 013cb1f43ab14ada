"""Run a command-line entry point as a user would type it."""

from __future__ import annotations

import subprocess
import sys

from scripts.config.settings import PROJECT_ROOT


def run_command(module: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``python -m <module> <args>`` from the project folder, as a user would type it."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
