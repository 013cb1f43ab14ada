"""The scheduler's candle-backfill worker: one thread that claims queued tasks and runs them.

Backfills are queued by the API (which never does the work itself) and run here, one at a
time, so a long backfill never blocks an API request and survives an API restart. The worker
polls about once a second; a poll that finds nothing writes nothing (no ``sync_history`` row
per poll: a task's own row is its record). When the scheduler starts, tasks a dead scheduler
left ``running`` go back to the queue first and resume from their checkpoint.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from scripts.services.candle_backfill import CandleBackfillService

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0


class BackfillWorker:
    def __init__(self, service: CandleBackfillService, poll_seconds: float = POLL_SECONDS) -> None:
        self._service = service
        self._poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def start(self) -> None:
        """Requeue interrupted tasks, then start polling in a daemon thread."""
        self._service.requeue_interrupted()
        self._thread = threading.Thread(target=self._loop, name="candle-backfill", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the worker to stop after its current chunk (the task stays resumable)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_pending(self) -> int:
        """Run every queued task now; returns how many ran (the loop's body, and tests')."""
        ran = 0
        while not self._stop.is_set():
            task = self._service.claim_next(self.name)
            if task is None:
                return ran
            self._service.run_task(task, self._stop)
            ran += 1
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pending()
            except Exception:  # noqa: BLE001 - e.g. the database briefly away: poll again
                log.warning("candle backfill worker: poll failed", exc_info=True)
            self._stop.wait(self._poll_seconds)
