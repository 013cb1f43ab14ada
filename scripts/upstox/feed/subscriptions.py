"""The platform's record of what the one market feed connection is subscribed to.

This book, not the socket, is the truth: after every reconnect the client
replays it in full, so a dropped connection never loses a subscription
(docs/LESSONS.md: "reconnects but never re-subscribes"). Each key is held in exactly
one mode; subscribing a held key in another mode moves it.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable

from scripts.upstox.feed.events import SubscriptionLimitExceeded
from scripts.upstox_wire.feed_modes import MODES, over_limit


class SubscriptionBook:
    """instrument_key -> mode, with Upstox's per-mode caps enforced before anything is sent."""

    def __init__(self) -> None:
        self._modes: dict[str, str] = {}

    def subscribe(self, keys: Iterable[str], mode: str) -> list[str]:
        """Record ``keys`` in ``mode``; return the keys whose mode changed (to send).

        Raises SubscriptionLimitExceeded (recording nothing) when any mode would
        exceed its cap, and ValueError for an unknown mode.
        """
        _check_mode(mode)
        changed = [k for k in dict.fromkeys(keys) if self._modes.get(k) != mode]
        self._commit({**self._modes, **{k: mode for k in changed}})
        return changed

    def unsubscribe(self, keys: Iterable[str]) -> list[str]:
        """Forget ``keys``; return those that were held."""
        held = [k for k in dict.fromkeys(keys) if k in self._modes]
        for key in held:
            del self._modes[key]
        return held

    def change_mode(self, keys: Iterable[str], mode: str) -> list[str]:
        """Move already-held keys to ``mode``; keys not held are ignored."""
        _check_mode(mode)
        changed = [k for k in dict.fromkeys(keys) if k in self._modes and self._modes[k] != mode]
        self._commit({**self._modes, **{k: mode for k in changed}})
        return changed

    def keys_by_mode(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for key, mode in self._modes.items():
            grouped.setdefault(mode, []).append(key)
        return grouped

    def counts(self) -> dict[str, int]:
        return {mode: len(keys) for mode, keys in self.keys_by_mode().items()}

    def keys(self) -> list[str]:
        return list(self._modes)

    def __len__(self) -> int:
        return len(self._modes)

    def _commit(self, proposed: dict[str, str]) -> None:
        problems = over_limit(dict(Counter(proposed.values())))
        if problems:
            mode, count, cap = problems[0]
            raise SubscriptionLimitExceeded(mode, count, cap)
        self._modes = proposed


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown feed mode {mode!r}; expected one of {', '.join(MODES)}")


def request_frame(method: str, keys: list[str], mode: str | None = None) -> bytes:
    """A client request as Upstox wants it: UTF-8 JSON, to be sent as a BINARY frame [SDK]."""
    data: dict[str, object] = {"instrumentKeys": keys}
    if mode is not None:
        data["mode"] = mode
    message = {"guid": uuid.uuid4().hex, "method": method, "data": data}
    return json.dumps(message).encode("utf-8")


def replay_frames(book: SubscriptionBook) -> list[bytes]:
    """One ``sub`` per mode restoring everything in the book on a fresh connection."""
    return [request_frame("sub", keys, mode) for mode, keys in book.keys_by_mode().items()]
