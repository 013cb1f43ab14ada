"""The API process's side of the platform's one market feed.

The feed itself lives in its own process (scripts/feed_process, started by the
launcher): with several API workers, a feed per process would open several Upstox
connections (docs/LESSONS.md: one feed connection for the whole platform). This
service is that process's client over loopback HTTP (scripts/feed_link), and the one
place where instrument inputs for the feed are resolved: every subscribe and
unsubscribe names instruments by symbol or key through the platform's one resolver,
so a key Upstox does not list (``NSE_EQ|BOGUS123``) is refused the same way by both.

Interface (watchlists and pages code against it; keep it):
``subscribe(consumer, instrument_keys, mode)``, ``unsubscribe(consumer, keys=None)``,
``latest(keys)``, ``health()``; plus ``bars(key)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from scripts.feed_link.client import FeedLink, FeedLinkError, FeedUnreachable
from scripts.services.errors import (
    BrokerLoginRequired,
    Conflict,
    NotFound,
    ServiceError,
    UpstreamUnavailable,
    ValidationFailed,
)
from scripts.db.instruments import InstrumentRecord
from scripts.services.instruments import InstrumentsService
from scripts.upstox_wire.feed_modes import FeedMode

log = logging.getLogger(__name__)
Answer = TypeVar("Answer")

_BY_STATUS: dict[int, type[ServiceError]] = {
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
}


class MarketFeedService:
    def __init__(self, link: FeedLink, instruments: InstrumentsService) -> None:
        self._link = link
        self._instruments = instruments

    # --- subscriptions -----------------------------------------------------------------
    def subscribe(
        self, consumer: str, instrument_keys: list[str], mode: FeedMode
    ) -> dict[str, Any]:
        """``consumer`` (e.g. ``watchlist:3``) wants these instruments in ``mode``.

        Answers the consumer's own subscriptions and the connection's (every consumer's,
        each key in the richest mode wanted). 409 without an Upstox session.
        """
        keys = self.resolve(instrument_keys)
        return _call(lambda: self._link.subscribe(consumer, keys, str(mode)))

    def unsubscribe(
        self, consumer: str, instrument_keys: list[str] | None = None
    ) -> dict[str, Any]:
        """Drop ``consumer``'s instruments (all of them when None); others keep theirs."""
        keys = None if instrument_keys is None else self.resolve(instrument_keys)
        return _call(lambda: self._link.unsubscribe(consumer, keys))

    def resolve(self, texts: Iterable[str]) -> list[str]:
        """Instrument keys for symbols or keys; the first unknown one is refused by name.

        Texts that are exactly a listed key are checked in one query (``known_keys``);
        only the others go through the resolver one by one.
        """
        return list(dict.fromkeys(self._keys_for(list(texts))))

    def _keys_for(self, texts: list[str]) -> list[str]:
        """One instrument key per text, in order (duplicates kept)."""
        known = self._instruments.known_keys(texts)
        return [self._key_of(text, known) for text in texts]

    def _key_of(self, text: str, known: dict[str, InstrumentRecord]) -> str:
        if text in known:
            return text
        try:
            return self._instruments.resolve(text).instrument.instrument_key
        except ServiceError as error:
            raise type(error)(
                f"instrument_keys: {text!r} cannot be subscribed: {error.message}",
                "instrument_keys",
            ) from None

    # --- reads ---------------------------------------------------------------------------
    def latest(self, instrument_keys: Iterable[str]) -> list[dict[str, Any]]:
        """Latest merged tick per key that has one, with ``age_ms`` and ``stale``."""
        keys = list(instrument_keys)
        return _call(lambda: self._link.ticks(keys))

    def ticks(self, texts: Iterable[str]) -> list[dict[str, Any]]:
        """Latest ticks for symbols or keys, in the order asked (a poll of ``/ticks``).

        Polling is cheap: texts written as instrument keys are first asked of the feed
        process as they are, and a key it answers for is one it holds (it keeps ticks only
        of subscribed keys, each resolved when subscribed), so it needs no resolving. Only
        the rest (symbols, keys without a tick yet) go through :meth:`resolve`, where an
        unknown one is refused with a 404 naming it, as before.
        """
        wanted = list(dict.fromkeys(texts))
        shaped = [text for text in wanted if "|" in text]
        held = {tick["instrument_key"]: tick for tick in self.latest(shaped)} if shaped else {}
        rest = [text for text in wanted if text not in held]
        resolved = dict(zip(rest, self._keys_for(rest)))
        missing = [key for key in dict.fromkeys(resolved.values()) if key not in held]
        if missing:
            held.update((tick["instrument_key"], tick) for tick in self.latest(missing))
        order = dict.fromkeys(resolved.get(text, text) for text in wanted)
        return [held[key] for key in order if key in held]

    def bars(self, instrument_key: str) -> dict[str, Any]:
        """1-minute bars built from the ticks of one instrument (symbol or key)."""
        key = self.resolve([instrument_key])[0]
        return _call(lambda: self._link.bars(key))

    def health(self) -> dict[str, Any]:
        """The feed process's health; never raises (the dashboard header shows it)."""
        try:
            return self._link.health()
        except (FeedUnreachable, FeedLinkError) as error:
            return {
                "state": "unreachable",
                "connected": False,
                "subscriptions": {},
                "detail": f"{error}; the launcher (./start_nicegui.sh) starts and restarts it",
            }

    def stop(self) -> None:
        self._link.close()


def _call(call: Callable[[], Answer]) -> Answer:
    """Run one link call; the feed process's refusals become the same typed service errors."""
    try:
        return call()
    except FeedUnreachable as error:
        raise UpstreamUnavailable(
            f"The market feed is not available: {error}. It runs as its own process; "
            "start the platform with ./start_nicegui.sh (or check logs/feed.log)."
        ) from None
    except FeedLinkError as error:
        if error.code == BrokerLoginRequired.code:
            raise BrokerLoginRequired(error.message, error.field) from None
        kind = _BY_STATUS.get(error.status, UpstreamUnavailable)
        raise kind(error.message, error.field) from None
