"""Child processes of the launcher: spawn with a log offset, stop, and recognise our own PIDs."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

STOP_GRACE_SECONDS = 10.0


@dataclass
class Spawned:
    """A started child and where its output for *this* run begins in its ``.out`` file."""

    process: subprocess.Popen[bytes]
    out_path: Path
    out_offset: int


def spawn(
    command: list[str], cwd: Path, out_path: Path, environment: dict[str, str] | None = None
) -> Spawned:
    """Start ``command`` in its own session (Ctrl-C in the terminal reaches only the launcher).

    The ``.out`` file is appended to, so the offset at spawn is remembered: a start
    failure then shows this run's lines only, never stale ones from an earlier run.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("ab") as out_file:
        offset = out_file.tell()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=environment,
            stdout=out_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Spawned(process, out_path, offset)


def lines_since(path: Path, offset: int, lines: int = 20) -> str:
    """The last ``lines`` lines written to ``path`` after ``offset``."""
    try:
        with path.open("rb") as log_file:
            log_file.seek(offset)
            text = log_file.read().decode(errors="replace")
    except OSError:
        return "(no log)"
    written = text.splitlines()[-lines:]
    return "\n".join(written) if written else f"(nothing was written to {path} by this run)"


def terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def is_platform_process(pid: int, project_root: Path) -> bool:
    """Guards against a recycled PID: the process must be a python started from this project."""
    try:
        os.kill(pid, 0)
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except (ProcessLookupError, PermissionError, FileNotFoundError, OSError):
        return False
    return "python" in cmdline and Path(cwd).resolve() == project_root.resolve()


def describe_exit(code: int | None) -> str:
    """``3`` -> "3"; ``-9`` -> "-9 (killed by SIGKILL)"; None -> "-"."""
    if code is None:
        return "-"
    if code < 0:
        try:
            return f"{code} (killed by {signal.Signals(-code).name})"
        except ValueError:
            return f"{code} (killed by signal {-code})"
    return str(code)
