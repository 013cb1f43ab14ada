"""The sandbox's state in one object: clock, market, exchange, portfolio, GTTs, tokens.

It is also the ``FeedSource`` the WebSocket feed servers read (feed_contract.py): build it with
``Simulation(config)``; ``app.create_app`` stores it at ``app["feed_source"]``. All state moves
forward through ``step()``, which a background task calls and every request calls first, so
a frozen or accelerated clock behaves the same as a live one.
"""

from __future__ import annotations

from typing import Any
import asyncio
import logging
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal

from scripts.upstox_sandbox.tokens import TokenStore
from scripts.upstox_sandbox.feed.segment_status import segment_status as feed_segment_status
from scripts.upstox_sandbox.market.nse_calendar import TradingCalendar
from scripts.upstox_sandbox.clock import IST, SandboxClock
from scripts.upstox_sandbox.config import SandboxConfig
from scripts.upstox_sandbox.faults import FaultInjector
from scripts.upstox_sandbox.feed.feed_source import MarketSnapshot
from scripts.upstox_sandbox.exchange.gtt_rules import GttBook
from scripts.upstox_sandbox.market.pricing import Market
from scripts.upstox_sandbox.exchange.matching import Exchange
from scripts.upstox_sandbox.exchange.ledger import Holding, Portfolio
from scripts.upstox_sandbox.market.price_paths import PriceModel
from scripts.upstox_sandbox.throttle import RateLimiter
from scripts.upstox_sandbox.market.universe import Universe

log = logging.getLogger(__name__)
# Demo holdings so the holdings screen is not empty on a fresh start: (symbol, qty, avg price).
DEMO_HOLDINGS = (("RELIANCE", 10, "1400.00"), ("INFY", 20, "1450.00"), ("HDFCBANK", 15, "950.00"))


class Simulation:
    """Owner of all sandbox state; implements feed_contract.FeedSource."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        spec = config.clock
        self.clock = SandboxClock(spec.frozen_at, 0.0 if spec.mode == "frozen" else spec.factor)
        self.tokens = TokenStore(config.client_id, config.client_secret, config.user_id)
        self.faults = FaultInjector()
        self.rate_limiter = RateLimiter(config.rate_limits)
        self.lock = threading.RLock()
        self._subscribers: dict[str, list[asyncio.Queue[dict[str, Any]]]] = {}
        self._build_market(config.always_open)
        self.reset()

    # ---- construction / reset ------------------------------------------------------------
    def _build_market(self, always_open: bool) -> None:
        self.calendar = TradingCalendar(always_open=always_open)
        self.universe = Universe(self.calendar)
        start = self.clock.now().date() - timedelta(days=self.config.minute_history_days)
        self.market = Market(
            PriceModel(self.config.seed, self.calendar, start), self.universe, self.calendar
        )

    def set_always_open(self, enabled: bool) -> None:
        """Switch the calendar; prices are rebuilt because sessions define the paths."""
        with self.lock:
            self._build_market(enabled)
            self.reset()

    def reset(self) -> None:
        """Fresh book: no orders, trades, positions or GTTs; demo holdings; no faults."""
        with self.lock:
            self.portfolio = Portfolio(self.config.opening_balance)
            for symbol, qty, avg in DEMO_HOLDINGS:
                inst = self.universe.by_symbol(symbol)
                assert inst is not None
                self.portfolio.holdings[inst.instrument_key] = Holding(inst, qty, Decimal(avg))
            self.exchange = Exchange(
                self.market,
                self.calendar,
                self.portfolio,
                self.config.user_id,
                self._publish,
                self.available_margin,
            )
            self.gtt = GttBook(self.exchange.place, self._publish)
            self.faults.clear()
            self.rate_limiter.reset()
            self._last_step = self.clock.timestamp()

    # ---- time ----------------------------------------------------------------------------
    def step(self) -> float:
        """Advance orders and GTTs to the clock's now; returns now (epoch seconds)."""
        with self.lock:
            now = self.clock.timestamp()
            t0 = self._last_step
            if now < t0:  # the clock was set back: forget the gap
                self._last_step = now
                return now
            if now > t0:
                self.exchange.step(t0, now)
                is_open = self.calendar.is_open(datetime.fromtimestamp(now, IST))
                self.gtt.step(
                    t0,
                    now,
                    is_open,
                    self.market.extremes_between,
                    self.market.ltp,
                    self.exchange.orders,
                )
                self._last_step = now
            return now

    def reset_step_anchor(self) -> None:
        """After a jump in time, start matching from the new instant (no replay of the gap)."""
        with self.lock:
            self._last_step = self.clock.timestamp()
            for order in self.exchange.working():
                order.checked_until = self._last_step

    def today(self) -> date:
        return self.clock.now().date()

    def market_open(self) -> bool:
        return self.calendar.is_open(self.clock.now())

    # ---- funds -----------------------------------------------------------------------------
    def used_margin(self, ts: float) -> Decimal:
        orders = sum(
            (
                self.exchange.order_margin(o, ts)
                for o in self.exchange.working()
                if o.status != "after market order req received"
            ),
            Decimal("0"),
        )
        return self.portfolio.positions_margin() + orders

    def available_margin(self, ts: float) -> Decimal:
        p = self.portfolio
        return (
            p.opening_balance
            + p.realised_total()
            + p.stock_sale_proceeds
            - p.charges_total
            - self.used_margin(ts)
        )

    # ---- FeedSource ------------------------------------------------------------------------
    def user_for_token(self, access_token: str) -> str | None:
        info = self.tokens.lookup(access_token, self.clock.timestamp())
        return info.user_id if info else None

    def instrument_exists(self, instrument_key: str) -> bool:
        return self.universe.get(instrument_key, self.today()) is not None

    def market_snapshot(self, instrument_key: str) -> MarketSnapshot:
        now = self.step()
        inst = self.universe.get(instrument_key, self.today())
        if inst is None:
            raise KeyError(instrument_key)
        return self.market.snapshot(inst, now)

    def segment_status(self) -> dict[str, str]:
        """Every segment's status on the sandbox clock (feed/segment_status.py has the day)."""
        return feed_segment_status(self.clock.now(), self.calendar)

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def tick_interval_seconds(self) -> float:
        factor = self.clock.factor
        if factor <= 0:
            return self.config.tick_seconds
        return max(0.1, self.config.tick_seconds / factor)

    def subscribe_portfolio(self, user_id: str) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers.setdefault(user_id, []).append(queue)
        return queue

    def unsubscribe_portfolio(self, user_id: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        queues = self._subscribers.get(user_id, [])
        if queue in queues:
            queues.remove(queue)

    def _publish(self, update: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(self.config.user_id, [])):
            queue.put_nowait(update)
