"""How a long job says how far it is: ``report_progress(done, total)`` from inside the job.

The runner sets the reporter for the job's thread (a context variable), so a
job keeps the plain ``run(services)`` signature and can also run standalone,
where reporting does nothing. Writes are throttled: a job may report every row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Reporter = Callable[[int, int | None], None]
_reporter: ContextVar[Reporter | None] = ContextVar("job_progress_reporter", default=None)
# At most one database write per this many seconds per run (the final count always lands).
MIN_INTERVAL_SECONDS = 1.0


def report_progress(done: int, total: int | None = None) -> None:
    """Record ``done`` of ``total`` rows for the running job; a no-op outside the runner."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter(done, total)


@contextmanager
def progress_reporting(write: Reporter) -> Iterator[None]:
    """Route :func:`report_progress` calls made inside the block to ``write``, throttled."""
    last = [0.0]

    def throttled(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] >= MIN_INTERVAL_SECONDS or (total is not None and done >= total):
            last[0] = now
            write(done, total)

    token = _reporter.set(throttled)
    try:
        yield
    finally:
        _reporter.reset(token)
