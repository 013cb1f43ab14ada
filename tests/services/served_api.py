"""The API app served by waitress with the production options, on a loopback port.

``build_server`` is the one ``python -m scripts.api`` uses, so the thread count under test is
the real one. Used by the read-starvation test and ``bench/read_starvation.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from typing import Any

import httpx

from scripts.api.__main__ import build_server
from scripts.config.settings import PROJECT_ROOT


class ServedApi:
    """``start()`` serves ``app`` on a free loopback port in a thread; ``stop()`` ends it."""

    def __init__(self, app: Any) -> None:
        self._server = build_server(app, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.effective_port}"
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> "ServedApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.close()
        for channel in list(self._server._map.values()):  # open keep-alive connections
            channel.close()
        self._server.task_dispatcher.shutdown(timeout=5)
        self._thread.join(timeout=5)


def timed_get(client: httpx.Client, url: str) -> tuple[float, httpx.Response]:
    """Seconds one GET took, and its response."""
    started = time.perf_counter()
    response = client.get(url)
    return time.perf_counter() - started, response


def start_read_load(
    url: str, api_key: str, threads: int, seconds: float, interval: float = 0.0
) -> subprocess.Popen:
    """``tests.services.read_load`` in its own process, returned once every client is running.

    Read its figures with ``finish_read_load``.
    """
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.services.read_load",
            url,
            api_key,
            str(threads),
            str(seconds),
            str(interval),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "started"
    return process


def finish_read_load(process: subprocess.Popen, timeout: float = 60.0) -> dict[str, Any]:
    out, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, out
    return json.loads(out.strip().splitlines()[-1])
