"""The type-ahead timing both instrument search boxes share (Instruments and Watchlist pages).

A search starts a short pause after the last keystroke, not on every one, and each search is
numbered so that an answer arriving after a newer search was sent is dropped instead of
overwriting the newer one's results.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

TYPE_AHEAD_PAUSE_S = 0.25


class TypeAhead:
    """Debounces ``search`` and numbers the searches it (or anyone) starts."""

    def __init__(
        self, search: Callable[[], Awaitable[None]], pause_s: float = TYPE_AHEAD_PAUSE_S
    ) -> None:
        self._search = search
        self._pause_s = pause_s
        self._pending: asyncio.Task[None] | None = None
        self.asked = 0  # the number of the newest search sent

    def schedule(self) -> None:
        """Run the search after the pause; a keystroke within the pause restarts it."""
        if self._pending is not None and not self._pending.done():
            self._pending.cancel()
        self._pending = asyncio.create_task(self._search_after_pause())

    async def _search_after_pause(self) -> None:
        await asyncio.sleep(self._pause_s)
        await self._search()

    def ask(self) -> int:
        """Number a search as it is sent; pass the number to ``is_newest`` with its answer."""
        self.asked += 1
        return self.asked

    def is_newest(self, asked: int) -> bool:
        """False when a newer search was sent after this one: drop this one's answer."""
        return asked == self.asked
