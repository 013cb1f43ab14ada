"""Live Quote (Core): one instrument in depth, ``/quote?symbol=<symbol or key>``: LTP and
change, the day's OHLC, the 5-level order book, volume, OI, average price, circuit limits,
buy/sell pressure from the total bid and ask quantities, and the last trade time.

Thin like every page: everything comes from ``GET /api/quotes`` (a quote at most 1 s old,
shared with every other page asking), re-read every ``QUOTE_REFRESH_SECONDS`` while open.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from nicegui import ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiError, ApiProblem
from dashboard_ui.formatting import count, ist_time
from dashboard_ui.layout import Chrome
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.page_registry import PageSpec
from dashboard_ui.panels import Panel, facts
from scripts.api_schemas.quotes import Quote

QUOTE_REFRESH_SECONDS = 1.0
DEPTH_COLUMNS: list[dict[str, Any]] = [
    {"name": "bid_orders", "label": "Orders", "field": "bid_orders", "align": "right"},
    {"name": "bid_qty", "label": "Bid qty", "field": "bid_qty", "align": "right"},
    {"name": "bid", "label": "Bid", "field": "bid", "align": "right",
     "classes": "text-positive text-weight-medium"},
    {"name": "ask", "label": "Ask", "field": "ask", "align": "left",
     "classes": "text-negative text-weight-medium"},
    {"name": "ask_qty", "label": "Ask qty", "field": "ask_qty", "align": "left"},
    {"name": "ask_orders", "label": "Orders", "field": "ask_orders", "align": "left"},
]  # fmt: skip


async def build(ctx: DashboardContext, chrome: Chrome) -> None:
    symbol = (ui.context.client.request.query_params.get("symbol") or "").strip()
    view = LiveQuoteView(ctx, symbol)
    if symbol:
        refresh.Poller("live quote", view.load, view.show_problem, QUOTE_REFRESH_SECONDS)


PAGE = PageSpec(
    path="/quote", title="Live Quote", group="Core", icon="query_stats", order=3, build=build
)


class LiveQuoteView:
    def __init__(self, ctx: DashboardContext, symbol: str) -> None:
        self.ctx = ctx
        self.symbol = symbol
        with ui.row().classes("w-full items-center gap-3"):
            self.box = (
                ui.input("Symbol or instrument key", value=symbol,
                         placeholder="RELIANCE, NIFTY 50, NSE_EQ|INE002A01018")
                .props("outlined dense clearable").classes("w-96").mark("quote-symbol")
            )  # fmt: skip
            self.box.on("keydown.enter", self.go)
            ui.button("Show", icon="search", on_click=self.go).props("flat").mark("quote-go")
            self.chart_link = ui.link("Chart", f"/charts?symbol={quote(symbol, safe='')}")
            self.chart_link.set_visibility(bool(symbol))
        if not symbol:
            ui.label(
                "Type a symbol (RELIANCE, NIFTY 50) or an instrument key and press Show; "
                "the Watchlist page opens here with a row's instrument."
            ).classes("text-grey-7").mark("quote-empty")
            return
        with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-3"):
            self.price = Panel("Price", "currency_rupee", "panel-price")
            self.depth = Panel("Market depth", "reorder", "panel-depth", "lg:col-span-2")
            self.day = Panel("Session", "insights", "panel-session", "lg:col-span-3")

    def go(self) -> None:
        text = (self.box.value or "").strip()
        if text:
            ui.navigate.to(f"/quote?symbol={quote(text, safe='')}")

    async def load(self) -> None:
        quotes = await self.ctx.api.quotes([self.symbol])
        shown = quotes[0]
        self.price.show(render_price, shown)
        self.depth.show(render_depth, shown)
        self.day.show(render_session, shown)

    def show_problem(self, problem: ApiProblem) -> None:
        if isinstance(problem, ApiError) and problem.code == "broker_login_required":
            for panel in (self.price, self.depth, self.day):
                panel.show(render_login_needed, problem.message)
            return
        for panel in (self.price, self.depth, self.day):
            panel.show_problem(problem)


def render_price(data: Quote) -> None:
    direction = "text-grey-7"
    if data.change:
        direction = "text-positive" if data.change > 0 else "text-negative"
    ui.label(data.trading_symbol).classes("text-subtitle2 text-grey-8").mark("quote-name")
    ui.label(number(data.ltp)).classes("text-h4 text-weight-medium").mark("quote-ltp")
    pct = "" if data.change_pct is None else f" ({data.change_pct:+.2f}%)"
    arrow = "▲ " if (data.change or 0) > 0 else "▼ " if (data.change or 0) < 0 else ""
    change = "—" if data.change is None else f"{arrow}{data.change:+,.2f}{pct}"
    ui.label(change).classes(f"text-subtitle1 {direction}").mark("quote-change")
    facts(
        [
            ("Last trade", ist_time(data.last_trade_time) if data.last_trade_time else "—"),
            ("Key", data.instrument_key),
        ],
        marker_prefix="quote",
    )


def render_depth(data: Quote) -> None:
    rows = [
        {
            "level": index,
            "bid_orders": count(bid.orders),
            "bid_qty": count(bid.quantity),
            "bid": number(bid.price) if bid.price else "—",
            "ask": number(ask.price) if ask.price else "—",
            "ask_qty": count(ask.quantity),
            "ask_orders": count(ask.orders),
        }
        for index, (bid, ask) in enumerate(zip(data.depth.buy, data.depth.sell))
    ]
    ui.table(columns=DEPTH_COLUMNS, rows=rows, row_key="level").props("dense flat").classes(
        "w-full"
    ).mark("quote-depth")
    buy, sell = data.total_buy_quantity or 0, data.total_sell_quantity or 0
    share = buy / (buy + sell) if buy + sell else 0.5
    with ui.row().classes("w-full justify-between text-sm q-mt-sm"):
        ui.label(f"Total buy {count(buy)} ({share:.0%})").classes("text-positive").mark(
            "quote-total-buy"
        )
        ui.label(f"Total sell {count(sell)} ({1 - share:.0%})").classes("text-negative").mark(
            "quote-total-sell"
        )
    ui.linear_progress(value=share, show_value=False, size="14px").props(
        "color=positive track-color=red-3 instant-feedback"
    ).mark("quote-pressure")


def render_session(data: Quote) -> None:
    with ui.grid().classes("w-full gap-x-8 grid-cols-1 md:grid-cols-3"):
        facts(
            [
                ("Open", number(data.open)),
                ("High", number(data.high)),
                ("Low", number(data.low)),
                ("Previous close", number(data.close)),
            ],
            marker_prefix="quote",
        )
        facts(
            [
                ("Volume", count(data.volume) if data.volume is not None else "—"),
                ("Average price", number(data.average_price)),
                ("Open interest", count(int(data.oi)) if data.oi else "—"),
            ],
            marker_prefix="quote",
        )
        facts(
            [
                ("Lower circuit", number(data.lower_circuit_limit)),
                ("Upper circuit", number(data.upper_circuit_limit)),
                ("Quoted at", ist_time(data.timestamp) if data.timestamp else "—"),
            ],
            marker_prefix="quote",
        )


def render_login_needed(message: str) -> None:
    ui.label(message).classes("text-sm").mark("quote-login-needed")
    ui.link("Go to Profile & Connection to log in", "/profile")


def number(value: float | None) -> str:
    """Prices with two decimals and thousands separators; "—" when unknown (or 0 = none)."""
    return "—" if not value else f"{value:,.2f}"
