"""Live refresh: poll the API on a timer only while the page is open, backing off when it fails.

A :class:`Poller` wraps ``ui.timer``, so it belongs to the page (client) that
created it and stops when that page closes: no background polling for pages
nobody looks at. When the API fails, the interval doubles up to
``MAX_BACKOFF_SECONDS`` so a dead API is not hammered, and the first success
puts it back to normal, so the page recovers by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from nicegui import ui

from dashboard_ui.api_client import ApiProblem

log = logging.getLogger(__name__)

# How often the header re-reads health and market status while a page is open.
STATUS_POLL_SECONDS = 5.0
# How often page content (database report, jobs) is re-read.
PAGE_REFRESH_SECONDS = 15.0
# Upper bound of the back-off while the API is failing.
MAX_BACKOFF_SECONDS = 15.0


def next_interval(current: float, base: float, failed: bool, ceiling: float) -> float:
    """Double the wait after a failure (up to ``ceiling``); back to ``base`` after a success."""
    if not failed:
        return base
    return min(max(current, base) * 2, max(ceiling, base))


class Poller:
    """Calls ``fetch`` now and then every ``interval`` seconds; failures widen the interval.

    ``fetch`` raises :class:`ApiProblem` when the API cannot give data; the
    poller hands the problem to ``on_problem`` (the page shows it in plain
    words) and logs only the transitions, so a long outage is two log lines,
    not one per poll.
    """

    def __init__(
        self,
        name: str,
        fetch: Callable[[], Awaitable[None]],
        on_problem: Callable[[ApiProblem], None],
        interval: float,
        max_interval: float | None = None,
    ) -> None:
        self.name = name
        self.base_interval = interval
        self.max_interval = max_interval if max_interval is not None else MAX_BACKOFF_SECONDS
        self.failing = False
        self._fetch = fetch
        self._on_problem = on_problem
        self._timer = ui.timer(interval, self.run_once)

    @property
    def interval(self) -> float:
        return float(self._timer.interval)

    async def run_once(self) -> None:
        try:
            await self._fetch()
        except ApiProblem as problem:
            if not self.failing:
                log.warning("%s: %s", self.name, problem.message)
            self.failing = True
            self._on_problem(problem)
        else:
            if self.failing:
                log.info("%s: the API answers again", self.name)
            self.failing = False
        self._timer.interval = next_interval(
            self.interval, self.base_interval, self.failing, self.max_interval
        )
