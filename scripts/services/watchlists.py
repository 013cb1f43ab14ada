"""Named watchlists: create, rename and delete lists, add and remove instruments, and show
each list's instruments with live prices.

Prices come from the market feed's latest tick when it is fresh, else from the quotes
service's 1-s cached full quote. Each list is one feed consumer, ``watchlist:<id>``, subscribed
for its instruments while it exists. The feed is a convenience here, never a dependency: a
feed that is down, or no Upstox session, leaves the list usable (prices null with the reason)
and the subscriptions are made again lazily, on the next read that finds a session.

Every use of the feed in this service goes through ``_feed_subscribe``/``_feed_unsubscribe``
and ``_fresh_ticks``, so a change of the feed's interface is one spot.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict
from typing import Any

from scripts.db import Database
from scripts.db.watchlists import (
    DuplicateWatchlistItem,
    DuplicateWatchlistName,
    WatchlistItemRecord,
    WatchlistRecord,
    add_watchlist_item,
    all_watchlist_keys,
    create_watchlist,
    delete_watchlist,
    list_watchlists,
    remove_watchlist_item,
    rename_watchlist,
    watchlist_by_id,
    watchlist_items_of,
)
from scripts.services.broker import BrokerService
from scripts.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from scripts.services.instruments import InstrumentsService
from scripts.services.market_feed import MarketFeedService
from scripts.services.quotes import QuotedInstrument, QuotesService
from scripts.upstox_wire.feed_modes import FeedMode

log = logging.getLogger(__name__)
# Full mode carries the day's volume, which the watchlist shows; LTPC does not (§9.1).
FEED_MODE = FeedMode.FULL
# A tick older than this is taken as stale and the cached quote is used instead.
TICK_FRESH_MS = 5_000
MAX_NAME_LENGTH = 64  # the column's width (scripts/db/schema.py)
MAX_ITEMS = 500  # one quote call covers a whole list (Upstox's cap, §1.5)


def consumer_of(watchlist_id: int) -> str:
    """The feed consumer name of one list."""
    return f"watchlist:{watchlist_id}"


class WatchlistsService:
    def __init__(
        self,
        database: Database,
        broker: BrokerService,
        instruments: InstrumentsService,
        quotes: QuotesService,
        market_feed: MarketFeedService,
    ) -> None:
        self._database = database
        self._broker = broker
        self._instruments = instruments
        self._quotes = quotes
        self._feed = market_feed
        self._feed_in_sync = False  # every list subscribed since this process started?
        self._sync_lock = threading.Lock()

    # --- lists -------------------------------------------------------------------------
    def lists(self) -> list[dict[str, Any]]:
        """Every list's name and count, by name."""
        with self._database.read() as connection:
            return [asdict(row) for row in list_watchlists(connection)]

    def create(self, name: str) -> dict[str, Any]:
        clean = _clean_name(name)
        try:
            with self._database.transaction() as connection:
                watchlist_id = create_watchlist(connection, clean)
                record = watchlist_by_id(connection, watchlist_id)
        except DuplicateWatchlistName:
            raise _name_taken(clean) from None
        return asdict(_existing(record, watchlist_id))

    def rename(self, watchlist_id: int, name: str) -> dict[str, Any]:
        clean = _clean_name(name)
        try:
            with self._database.transaction() as connection:
                rename_watchlist(connection, watchlist_id, clean)
                record = watchlist_by_id(connection, watchlist_id)
        except DuplicateWatchlistName:
            raise _name_taken(clean) from None
        return asdict(_existing(record, watchlist_id))

    def delete(self, watchlist_id: int) -> dict[str, Any]:
        with self._database.transaction() as connection:
            record = _existing(watchlist_by_id(connection, watchlist_id), watchlist_id)
            keys = [item.instrument_key for item in watchlist_items_of(connection, watchlist_id)]
            delete_watchlist(connection, watchlist_id)
        self._feed_unsubscribe(watchlist_id, keys)
        return {"id": watchlist_id, "name": record.name, "deleted": True}

    def watchlist(self, watchlist_id: int) -> dict[str, Any]:
        """One list with its instruments in order and their live prices (null with a reason
        when there is no session or Upstox does not answer: never an error)."""
        with self._database.read() as connection:
            record = _existing(watchlist_by_id(connection, watchlist_id), watchlist_id)
            items = watchlist_items_of(connection, watchlist_id)
        self._resubscribe_all_once()
        rows, reason = self._priced(items)
        return {**asdict(record), "instruments": rows, "prices_unavailable": reason}

    # --- items -------------------------------------------------------------------------
    def add(self, watchlist_id: int, text: str) -> dict[str, Any]:
        """Add the instrument ``text`` names (symbol or key, through the resolver); adding
        one that is already there changes nothing and is not an error."""
        instrument = self._instruments.resolve(text).instrument
        key = instrument.instrument_key
        try:
            with self._database.transaction() as connection:
                record = _existing(watchlist_by_id(connection, watchlist_id), watchlist_id)
                if record.items >= MAX_ITEMS:
                    raise ValidationFailed(
                        f"{record.name!r} already holds {MAX_ITEMS} instruments, the most one "
                        "Upstox quote call covers; start another list.",
                        "symbol",
                    )
                added = add_watchlist_item(connection, watchlist_id, key)
        except DuplicateWatchlistItem:
            added = False
        self._feed_subscribe(watchlist_id, [key])
        symbol = instrument.trading_symbol
        message = f"Added {symbol}." if added else f"{symbol} was already in the list."
        return _change(watchlist_id, key, symbol, added, message)

    def remove(self, watchlist_id: int, text: str) -> dict[str, Any]:
        """Remove by the stored key, or by anything the resolver understands."""
        with self._database.read() as connection:
            _existing(watchlist_by_id(connection, watchlist_id), watchlist_id)
            items = {i.instrument_key: i for i in watchlist_items_of(connection, watchlist_id)}
        key = text.strip()
        if key not in items:
            key = self._instruments.resolve(text).instrument.instrument_key
        item = items.get(key)
        if item is None:
            raise NotFound(
                f"{text!r} is not in this watchlist; GET /api/watchlists/{watchlist_id} "
                "lists its instruments.",
                "symbol",
            )
        with self._database.transaction() as connection:
            removed = remove_watchlist_item(connection, watchlist_id, key)
        self._feed_unsubscribe(watchlist_id, [key])
        symbol = item.trading_symbol or key
        return _change(watchlist_id, key, symbol, removed, f"Removed {symbol}.")

    # --- prices ------------------------------------------------------------------------
    def _priced(self, items: list[WatchlistItemRecord]) -> tuple[list[dict[str, Any]], str | None]:
        rows = [_row(item) for item in items]
        ticks = self._fresh_ticks([row["instrument_key"] for row in rows])
        need_quote: list[dict[str, Any]] = []
        for row in rows:
            tick = ticks.get(row["instrument_key"])
            if tick is None or tick.get("volume") is None:
                need_quote.append(row)
                continue
            _price_from(row, tick["ltp"], tick.get("cp"), tick.get("volume"), "feed")
        if not need_quote:
            return rows, None
        wanted = [QuotedInstrument(r["instrument_key"], r["trading_symbol"]) for r in need_quote]
        try:
            quotes = self._quotes.quotes_of(wanted)
        except ServiceError as error:
            return rows, error.message
        for row, quote in zip(need_quote, quotes, strict=True):
            if quote["ltp"] is not None:
                _price_from(row, quote["ltp"], quote["close"], quote["volume"], "quote")
        return rows, None

    # --- the feed: the one place this service uses it ----------------------------------
    def _fresh_ticks(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        if not keys:
            return {}
        try:
            ticks = self._feed.latest(keys)
        except Exception:  # noqa: BLE001 - a broken feed must not break the list
            log.warning("watchlists: the feed's latest ticks could not be read", exc_info=True)
            return {}
        now_ms = time.time() * 1000
        fresh = {}
        for tick in ticks:
            if "stale" in tick:
                is_fresh = not tick["stale"]
            else:
                stamp = tick.get("server_ts") or tick.get("ltt") or 0
                is_fresh = now_ms - stamp <= TICK_FRESH_MS
            if is_fresh and tick.get("ltp") is not None:
                fresh[tick["instrument_key"]] = tick
        return fresh

    def _feed_subscribe(self, watchlist_id: int, keys: list[str]) -> None:
        if not keys:
            return
        try:
            self._feed.subscribe(consumer_of(watchlist_id), keys, FEED_MODE)
        except Exception as error:  # noqa: BLE001 - the feed is optional for a watchlist
            self._feed_in_sync = False  # subscribe again on a later read
            log.info("watchlists: feed subscription of list %s deferred: %s", watchlist_id, error)

    def _feed_unsubscribe(self, watchlist_id: int, keys: list[str]) -> None:
        if not keys:
            return
        try:
            self._feed.unsubscribe(consumer_of(watchlist_id), keys)
        except Exception as error:  # noqa: BLE001 - the feed is optional for a watchlist
            log.warning(
                "watchlists: feed unsubscription of list %s failed: %s", watchlist_id, error
            )

    def _resubscribe_all_once(self) -> None:
        """After a start-up (or a subscription that failed), subscribe every list again, as
        soon as a read finds an Upstox session."""
        with self._sync_lock:
            if self._feed_in_sync:
                return
            try:
                self._broker.require_session()
            except ServiceError:
                return
            with self._database.read() as connection:
                keys_by_list = all_watchlist_keys(connection)
            self._feed_in_sync = True
            for watchlist_id, keys in keys_by_list.items():
                self._feed_subscribe(watchlist_id, keys)


def _clean_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ValidationFailed("Give the watchlist a name, e.g. Banks.", "name")
    if len(clean) > MAX_NAME_LENGTH:
        raise ValidationFailed(
            f"A watchlist name has at most {MAX_NAME_LENGTH} characters.", "name"
        )
    return clean


def _name_taken(name: str) -> Conflict:
    return Conflict(f"A watchlist named {name!r} exists already; choose another name.", "name")


def _existing(record: WatchlistRecord | None, watchlist_id: int) -> WatchlistRecord:
    if record is None:
        raise NotFound(
            f"No watchlist {watchlist_id}; GET /api/watchlists lists the existing ones.",
            "watchlist_id",
        )
    return record


def _row(item: WatchlistItemRecord) -> dict[str, Any]:
    return {
        "instrument_key": item.instrument_key,
        "trading_symbol": item.trading_symbol or item.instrument_key,
        "name": item.name,
        "segment": item.segment,
        "position": item.position,
        "added_at": item.added_at,
        "ltp": None,
        "change": None,
        "change_pct": None,
        "volume": None,
        "price_source": None,
    }


def _price_from(
    row: dict[str, Any], ltp: float, close: float | None, volume: int | None, source: str
) -> None:
    change = round(ltp - close, 2) if close is not None else None
    row.update(
        ltp=ltp,
        change=change,
        change_pct=round(change / close * 100, 2) if change is not None and close else None,
        volume=int(volume) if volume is not None else None,
        price_source=source,
    )


def _change(
    watchlist_id: int, key: str, symbol: str, changed: bool, message: str
) -> dict[str, Any]:
    return {
        "watchlist_id": watchlist_id,
        "instrument_key": key,
        "trading_symbol": symbol,
        "changed": changed,
        "message": message,
    }
