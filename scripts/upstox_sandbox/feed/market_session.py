"""Subscription state of one market-feed connection, and the rules for changing it.

Kept apart from the WebSocket plumbing so the rules (default mode, per-mode caps,
unknown keys, change_mode) read in one place and are testable without a socket.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field

from scripts.upstox_sandbox.feed.feed_source import MarketSnapshot
from scripts.upstox_wire.feed_modes import DEFAULT_MODE, MODES, over_limit

logger = logging.getLogger(__name__)


class RequestRejected(ValueError):
    """A client message the server will not act on (malformed, unknown mode, over a cap)."""


@dataclass(frozen=True)
class ClientRequest:
    """A decoded ``{"guid", "method", "data": {"mode", "instrumentKeys"}}`` message."""

    guid: str
    method: str
    mode: str | None
    instrument_keys: tuple[str, ...]


def parse_request(payload: bytes) -> ClientRequest:
    """Decode the UTF-8 JSON of a client frame; raises RequestRejected when malformed."""
    try:
        message = json.loads(payload.decode("utf-8"))
        data = message.get("data") or {}
        keys = data.get("instrumentKeys") or []
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise RequestRejected("instrumentKeys must be a list of strings")
        request = ClientRequest(
            guid=str(message.get("guid", "")),
            method=str(message.get("method", "")),
            mode=data.get("mode"),
            instrument_keys=tuple(keys),
        )
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError) as exc:
        raise RequestRejected(f"not a JSON feed request: {exc}") from exc
    if request.method not in ("sub", "unsub", "change_mode"):
        raise RequestRejected(f"unknown method {request.method!r}")
    if request.mode is not None and request.mode not in MODES:
        raise RequestRejected(f"unknown mode {request.mode!r}")
    return request


@dataclass
class MarketSession:
    """Which instrument is subscribed in which mode, and what was last sent for it."""

    modes: dict[str, str] = field(default_factory=dict)
    last_sent: dict[str, MarketSnapshot] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return dict(Counter(self.modes.values()))

    def apply(self, request: ClientRequest, known_keys: tuple[str, ...]) -> list[str]:
        """Apply a request to the subscription state; return keys needing an initial_feed.

        ``known_keys`` are the request's keys the simulated market knows; unknown
        keys are dropped silently (what Upstox does with them is not documented [?]).

        Over-limit policy (ASSUMPTION: Upstox's behaviour is not documented): a
        ``sub``/``change_mode`` that would push any mode over its cap is rejected
        as a whole — no key of it is added, nothing is sent for it, the connection
        stays open, and RequestRejected says why (the server logs it).
        """
        if request.method == "unsub":
            for key in request.instrument_keys:
                self.modes.pop(key, None)
                self.last_sent.pop(key, None)
            return []
        if request.method == "change_mode" and request.mode is None:
            raise RequestRejected(f"change_mode {request.guid!r} without a mode")
        mode = request.mode or DEFAULT_MODE
        if request.method == "change_mode":
            # Only keys already subscribed change mode [?].
            targets = [k for k in known_keys if k in self.modes]
        else:
            targets = list(known_keys)
        proposed = dict(self.modes)
        proposed.update({key: mode for key in targets})
        problems = over_limit(dict(Counter(proposed.values())))
        if problems:
            detail = ", ".join(f"{m}: {n} keys > cap {cap}" for m, n, cap in problems)
            raise RequestRejected(f"{request.method} {request.guid!r} rejected ({detail})")
        self.modes = proposed
        for key in targets:
            self.last_sent.pop(key, None)
        return targets
