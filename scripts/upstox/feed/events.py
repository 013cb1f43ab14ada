"""Plain Python shapes of what the Upstox feeds deliver, and the feed client's errors.

The rest of the platform sees only these: never protobuf messages, never raw JSON.
Times are epoch milliseconds (UTC) as Upstox sends them; convert for display only.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, overload

from scripts.upstox_wire.feed_modes import DEFAULT_MODE


@dataclass(frozen=True, slots=True)
class DepthQuote:
    """One row of market depth: the n-th best bid beside the n-th best ask."""

    bid_price: float
    bid_qty: int
    ask_price: float
    ask_qty: int


@dataclass(frozen=True, slots=True)
class OhlcBar:
    """One OHLC bar; ``interval`` uses the feed's names (``1d``, ``I1``, ``I30``)."""

    interval: str
    open: float
    high: float
    low: float
    close: float
    volume: int
    ts: int  # bar start, epoch ms


Part = TypeVar("Part")


class LazyParts(Sequence[Part]):
    """A tick's depth book or OHLC bars, kept as the protobuf bytes they arrived in until read.

    Why: building a dataclass per depth level was most of the feed's decode cost (``full``
    76k ticks/s, ``full_d30`` 34k; bench/feed_decode.py), while the levels of most ticks
    are never read: the tick store keeps only the latest merged tick per instrument, and
    the levels are read when someone polls ``/ticks``. So decode keeps the sub-message's
    serialised bytes (one C call) and ``build`` parses them into dataclasses on the first
    read; the result is cached and the bytes let go. Bytes, not a reference to the parsed
    sub-message: a reference would keep its whole frame (every instrument in it) alive for
    as long as the instrument's latest tick carries it; bytes cost ~1-2 us a tick more and
    hold exactly the depth. It reads, compares and hashes as the tuple it stands for, and
    a copy or pickle of it is that plain tuple. Reads from several threads are safe: the
    worst case builds the same tuple twice.
    """

    __slots__ = ("_source", "_build", "_built")

    def __init__(self, source: Any, build: Callable[[Any], tuple[Part, ...]]) -> None:
        self._source: Any = source
        self._build = build
        self._built: tuple[Part, ...] | None = None

    def parts(self) -> tuple[Part, ...]:
        """The built tuple (built now if this is the first read)."""
        built = self._built
        if built is None:
            source = self._source
            if source is None:  # another thread built it between our two reads
                return self._built or ()
            built = self._built = self._build(source)
            self._source = None  # after _built is set: see the check above
        return built

    @property
    def built(self) -> bool:
        """Whether the dataclasses exist yet (for tests of the laziness itself)."""
        return self._built is not None

    def __len__(self) -> int:
        return len(self.parts())

    @overload
    def __getitem__(self, index: int) -> Part: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Part, ...]: ...

    def __getitem__(self, index: int | slice) -> Part | tuple[Part, ...]:
        return self.parts()[index]

    def __iter__(self) -> Iterator[Part]:
        return iter(self.parts())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyParts):
            return self.parts() == other.parts()
        if isinstance(other, tuple):
            return self.parts() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.parts())

    def __repr__(self) -> str:
        return repr(self.parts())

    def __reduce__(self) -> tuple[type[tuple[Part, ...]], tuple[tuple[Part, ...]]]:
        return tuple, (self.parts(),)


@dataclass(frozen=True, slots=True)
class Greeks:
    delta: float
    theta: float
    gamma: float
    vega: float
    rho: float


@dataclass(frozen=True, slots=True)
class Tick:
    """One instrument's update from the market feed.

    ``ltp``/``ltt``/``ltq``/``cp`` come with every mode (LTPC), but an incremental
    ``live_feed`` message may leave the LTPC part out: they are then None here,
    and :func:`merge_tick` fills them from the instrument's previous tick.
    The optional fields are None when the subscription mode does not carry them
    (or when this message left them out):
    ``depth`` and ``ohlc`` come with ``full``/``full_d30`` (``ohlc`` also for
    indices), ``greeks`` with ``option_greeks`` (and ``full`` for options),
    ``oi``/``iv``/``volume`` with ``full`` and ``option_greeks``.
    ``snapshot`` is True for the ``initial_feed`` sent after a subscribe.
    ``depth`` and ``ohlc`` are sequences (decode gives :class:`LazyParts`, built on
    first read); :func:`tick_as_dict` gives the JSON-ready form.
    """

    instrument_key: str
    ltp: float | None
    ltt: int | None  # last trade time, epoch ms
    ltq: int | None
    cp: float | None  # previous close
    mode: str = DEFAULT_MODE
    snapshot: bool = False
    server_ts: int = 0  # FeedResponse.currentTs, epoch ms
    is_index: bool = False
    depth: Sequence[DepthQuote] | None = None
    ohlc: Sequence[OhlcBar] | None = None
    greeks: Greeks | None = None
    oi: float | None = None
    iv: float | None = None
    volume: int | None = None  # volume traded today (vtt)
    atp: float | None = None  # average traded price
    total_buy_qty: float | None = None
    total_sell_qty: float | None = None


# Fields an incremental message may leave out: every part but the key and the framing
# (mode, snapshot, server_ts, is_index). tests/upstox/feed/test_feed_merge.py keeps this
# list in step with Tick's fields.
MERGED_FIELDS: tuple[str, ...] = (
    "ltp",
    "ltt",
    "ltq",
    "cp",
    "depth",
    "ohlc",
    "greeks",
    "oi",
    "iv",
    "volume",
    "atp",
    "total_buy_qty",
    "total_sell_qty",
)


_parts = operator.attrgetter(*MERGED_FIELDS)
_NONES = (None,) * len(MERGED_FIELDS)


def merge_tick(previous: Tick | None, update: Tick) -> Tick:
    """``update`` with every part it left out (None) taken from ``previous``.

    Upstox's v3 ``live_feed`` may carry only what changed for an instrument (an
    LTPC without depth, depth without LTPC); the platform's view of an instrument is
    the merge of everything received since its ``initial_feed``. A mode change
    (e.g. ltpc -> full) keeps the old parts until the new mode's snapshot arrives.
    """
    if previous is None:
        return update
    sent = _parts(update)
    if not any(map(operator.is_, sent, _NONES)):  # a whole update: nothing to take
        return update  # (identity, not ``None in sent``: no __eq__ calls on depth)
    missing = {
        name: old
        for name, new, old in zip(MERGED_FIELDS, sent, _parts(previous))
        if new is None and old is not None
    }
    return replace(update, **missing) if missing else update


def tick_as_dict(tick: Tick) -> dict[str, Any]:
    """A tick as plain JSON-ready values (depth, bars and greeks as dicts).

    What ``dataclasses.asdict`` gave before depth became lazy, without its deep copies:
    this is where a polled tick's depth levels are built (once, then cached).
    """
    data = {name: getattr(tick, name) for name in _TICK_FIELDS}
    depth, ohlc, greeks = tick.depth, tick.ohlc, tick.greeks
    if depth is not None:
        data["depth"] = [_plain(quote) for quote in depth]
    if ohlc is not None:
        data["ohlc"] = [_plain(bar) for bar in ohlc]
    if greeks is not None:
        data["greeks"] = _plain(greeks)
    return data


def _plain(part: DepthQuote | OhlcBar | Greeks) -> dict[str, Any]:
    return {name: getattr(part, name) for name in part.__slots__}


_TICK_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Tick))


@dataclass(frozen=True, slots=True)
class FeedMessage:
    """One decoded FeedResponse frame."""

    kind: str  # "initial_feed" | "live_feed" | "market_info"
    server_ts: int
    ticks: tuple[Tick, ...] = ()
    segment_status: dict[str, str] | None = None  # only for market_info


@dataclass(frozen=True, slots=True)
class PortfolioUpdate:
    """One portfolio-stream message: ``update_type`` plus the record as Upstox sent it."""

    update_type: str  # "order" | "position" | "holding" | "gtt_order"
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """What the dashboard shows about a feed connection.

    ``state`` is one of ``stopped``, ``connecting``, ``connected``, ``backoff``,
    ``token_expired``. Ages are seconds, None when nothing arrived yet.
    """

    state: str
    connected: bool
    last_message_age_s: float | None
    last_tick_age_s: float | None
    reconnect_count: int
    subscriptions: dict[str, int] = field(default_factory=dict)
    market_status: dict[str, str] = field(default_factory=dict)
    last_error: str | None = None


class FeedError(Exception):
    """Base of the feed client's own errors."""


class SubscriptionLimitExceeded(FeedError):
    """A subscribe/change_mode would break Upstox's per-connection key cap for a mode."""

    def __init__(self, mode: str, count: int, cap: int) -> None:
        super().__init__(
            f"subscribing would hold {count} keys in mode {mode!r}; "
            f"Upstox allows {cap} per connection in this combination of modes"
        )
        self.mode = mode
        self.count = count
        self.cap = cap


class FeedTokenExpired(FeedError):
    """An ``authorize`` callable may raise this to say the access token is dead."""
