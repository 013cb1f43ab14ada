"""Instruments (Core): search the instrument list as you type, see what a text resolves to,
and when the list was last loaded with its counts per segment.

Thin like every page: the search, the resolver and the load record come from
``/api/instruments/*``. Typing fires a search after a short pause; an answer that arrives
after a newer keystroke is dropped, so the table always matches the box.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from dashboard_ui.api_client import ApiError, ApiProblem
from dashboard_ui.formatting import count, ist_time
from dashboard_ui.layout import Chrome
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.page_registry import PageSpec
from dashboard_ui.panels import Panel, facts
from dashboard_ui.type_ahead import TypeAhead
from scripts.api_schemas.instruments import Instrument, InstrumentsStatus

RESULT_LIMIT = 50
SEGMENTS = ["NSE_EQ", "NSE_INDEX", "NSE_FO", "BSE_EQ", "BSE_INDEX", "BSE_FO", "MCX_FO", "NCD_FO"]
TYPES = ["EQ", "INDEX", "FUT", "CE", "PE"]
ANY = "All"
RESULT_COLUMNS: list[dict[str, Any]] = [
    {"name": "symbol", "label": "Symbol", "field": "symbol", "align": "left"},
    {"name": "name", "label": "Name", "field": "name", "align": "left"},
    {"name": "segment", "label": "Segment", "field": "segment", "align": "left"},
    {"name": "type", "label": "Type", "field": "type", "align": "left"},
    {"name": "lot", "label": "Lot size", "field": "lot", "align": "right"},
    {"name": "tick", "label": "Tick size", "field": "tick", "align": "right"},
    {"name": "expiry", "label": "Expiry", "field": "expiry", "align": "left"},
    {"name": "strike", "label": "Strike", "field": "strike", "align": "right"},
    {"name": "key", "label": "Instrument key", "field": "key", "align": "left"},
]


async def build(ctx: DashboardContext, chrome: Chrome) -> None:
    view = InstrumentsView(ctx)
    await view.load_status()


PAGE = PageSpec(
    path="/instruments", title="Instruments", group="Core", icon="search", order=5, build=build
)


class InstrumentsView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        self.type_ahead = TypeAhead(self.search)  # older answers are dropped
        with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-4"):
            self.status = Panel("Instrument list", "inventory_2", "panel-instrument-list")
            self.search_card = ui.card().classes("q-pa-md lg:col-span-3").mark("panel-search")
        with self.search_card:
            with ui.row().classes("w-full items-center gap-4 no-wrap"):
                self.box = (
                    ui.input(
                        "Search symbol, name, ISIN or key",
                        placeholder="RELIANCE, NIFTY 50, INE002A01018, NIFTY2543021600PE",
                        on_change=lambda _: self.type_ahead.schedule(),
                    )
                    .props("clearable autofocus outlined dense")
                    .classes("grow")
                    .mark("instrument-search")
                )
                self.segment = (
                    ui.select([ANY, *SEGMENTS], value=ANY, label="Segment",
                              on_change=lambda _: self.type_ahead.schedule())
                    .props("outlined dense").classes("w-36").mark("segment-filter")
                )  # fmt: skip
                self.kind = (
                    ui.select([ANY, *TYPES], value=ANY, label="Type",
                              on_change=lambda _: self.type_ahead.schedule())
                    .props("outlined dense").classes("w-28").mark("type-filter")
                )  # fmt: skip
            self.resolved = ui.label("").classes("text-sm").mark("resolved")
            self.summary = ui.label("Type to search the instrument list.").classes(
                "text-sm text-grey-7"
            )
            self.summary.mark("search-summary")
            self.table = ui.table(columns=RESULT_COLUMNS, rows=[], row_key="key")
            self.table.props("dense flat").classes("w-full").mark("instrument-results")

    # --- the list's state --------------------------------------------------------
    async def load_status(self) -> None:
        try:
            self.status.show(render_status, await self.ctx.api.instruments_status())
        except ApiProblem as problem:
            self.status.show_problem(problem)

    # --- type-ahead --------------------------------------------------------------
    async def search(self) -> None:
        text = (self.box.value or "").strip()
        asked = self.type_ahead.ask()
        if not text:
            self.table.rows = []
            self.summary.set_text("Type to search the instrument list.")
            self.resolved.set_text("")
            return
        segment = None if self.segment.value == ANY else str(self.segment.value)
        kind = None if self.kind.value == ANY else str(self.kind.value)
        try:
            rows = await self.ctx.api.search_instruments(text, segment, kind, RESULT_LIMIT)
            resolved = await self._resolve(text, bool(rows))
        except ApiProblem as problem:
            if self.type_ahead.is_newest(asked):
                self.table.rows = []
                self.summary.set_text(f"Could not search: {problem.message}")
            return
        if not self.type_ahead.is_newest(asked):
            return
        self.table.rows = [result_row(row) for row in rows]
        self.summary.set_text(summary(len(rows)))
        self.resolved.set_text(resolved)

    async def _resolve(self, text: str, matches: bool) -> str:
        """One line saying which instrument the text names, as order and chart pages will.

        A half-typed symbol names nothing yet; that is only worth saying (with the
        resolver's reason) when the search found nothing either.
        """
        try:
            found = await self.ctx.api.resolve_instrument(text)
        except ApiError as error:
            return "" if matches else f"Resolves to nothing: {error.message}"
        line = f"Resolves to {found.instrument.trading_symbol} ({found.instrument_key})"
        return f"{line}. {found.note}" if found.note else line


def summary(found: int) -> str:
    if found == 0:
        return "No instrument matches. Try fewer letters, an ISIN, or another segment."
    more = " (the first ones; type more to narrow)" if found >= RESULT_LIMIT else ""
    return f"{found} match{'es' if found != 1 else ''}{more}"


def result_row(row: Instrument) -> dict[str, Any]:
    return {
        "symbol": row.trading_symbol,
        "name": row.name,
        "segment": row.segment,
        "type": row.instrument_type,
        "lot": row.lot_size if row.lot_size is not None else "—",
        "tick": tick(row.tick_size),
        "expiry": row.expiry.strftime("%d %b %Y") if row.expiry else "—",
        "strike": f"{row.strike_price:,.2f}" if row.strike_price else "—",
        "key": row.instrument_key,
    }


def tick(tick_size: float | None) -> str:
    """Upstox's JSON files give the tick in paise (5 = ₹0.05; docs/UPSTOX_API.md §8 [?])."""
    if tick_size is None:
        return "—"
    return f"₹{tick_size / 100:.2f}"


def render_status(status: InstrumentsStatus) -> None:
    last = status.last_loaded
    if last is None:
        ui.label(
            "No instrument list loaded yet. The scheduler loads it at start and daily at "
            "06:30 IST; or run `python -m scripts.cli.instruments sync`."
        ).classes("text-sm text-grey-7").mark("instruments-empty")
    else:
        facts(
            [
                ("Instruments", count(status.total)),
                ("File of", last.file_date.strftime("%d %b %Y") if last.file_date else "—"),
                ("Loaded", ist_time(last.finished_at)),
            ],
            marker_prefix="instruments",
        )
        with ui.column().classes("gap-0 q-mt-sm").mark("segment-counts"):
            for segment, rows in last.segment_counts.items():
                with ui.row().classes("w-full justify-between text-sm"):
                    ui.label(segment).classes("text-grey-8")
                    ui.label(count(rows)).classes("text-weight-medium")
    attempt = status.last_attempt
    if attempt is not None and attempt.status == "rejected":
        ui.label(f"Last try {ist_time(attempt.finished_at)}: {attempt.message}").classes(
            "text-sm text-orange-9 q-mt-sm"
        ).mark("instruments-rejected")
