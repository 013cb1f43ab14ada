"""Watchlist (Core): several named lists of instruments with live LTP, change, % change and
volume; pick, create, rename and delete lists; add instruments by type-ahead search, remove
them; open an instrument's chart or live quote.

Thin like every page: the lists, the prices and the search come from ``/api/watchlists`` and
``/api/instruments/search``. The prices are re-read every ``WATCHLIST_REFRESH_SECONDS`` only
while the page is open (the API answers from the feed's ticks or a 1-s shared quote cache).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from nicegui import app, ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiError, ApiProblem
from dashboard_ui.formatting import count
from dashboard_ui.layout import Chrome
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.page_registry import PageSpec
from dashboard_ui.type_ahead import TypeAhead
from scripts.api_schemas.instruments import Instrument
from scripts.api_schemas.watchlists import Watchlist, WatchlistItem, WatchlistSummary

WATCHLIST_REFRESH_SECONDS = 2.0
SUGGESTIONS = 8
CHOSEN_LIST = "watchlist_id"  # the trader's last list, kept in the user's storage
COLUMNS: list[dict[str, Any]] = [
    {"name": "symbol", "label": "Symbol", "field": "symbol", "align": "left", "sortable": True},
    {"name": "segment", "label": "Segment", "field": "segment", "align": "left"},
    {"name": "ltp", "label": "LTP", "field": "ltp", "align": "right"},
    {"name": "change", "label": "Change", "field": "change", "align": "right"},
    {"name": "change_pct", "label": "% Change", "field": "change_pct", "align": "right",
     "sortable": True, ":sort": "(a, b, rowA, rowB) => rowA.pct_value - rowB.pct_value"},
    {"name": "volume", "label": "Volume", "field": "volume", "align": "right"},
    {"name": "actions", "label": "", "field": "key", "align": "right"},
]  # fmt: skip
# Green for a gain, red for a loss, and the sign in the text too (never colour alone).
CHANGE_CELL = """
<q-td :props="props">
  <span :class="props.row.direction > 0 ? 'text-positive' : props.row.direction < 0
      ? 'text-negative' : 'text-grey-7'">{{ props.value }}</span>
</q-td>
"""
ACTIONS_CELL = """
<q-td :props="props" auto-width>
  <q-btn flat dense round size="sm" icon="candlestick_chart" title="Chart"
         :href="'/charts?symbol=' + encodeURIComponent(props.row.key)" @click.stop />
  <q-btn flat dense round size="sm" icon="query_stats" title="Live quote"
         :href="'/quote?symbol=' + encodeURIComponent(props.row.key)" @click.stop />
  <q-btn flat dense round size="sm" icon="delete" color="negative" title="Remove"
         @click.stop="() => $parent.$emit('remove', props.row)" />
</q-td>
"""


async def build(ctx: DashboardContext, chrome: Chrome) -> None:
    view = WatchlistView(ctx)
    await view.load_lists()
    refresh.Poller("watchlist", view.refresh_prices, view.show_problem, WATCHLIST_REFRESH_SECONDS)


PAGE = PageSpec(
    path="/watchlist", title="Watchlist", group="Core", icon="visibility", order=2, build=build
)


class WatchlistView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        self.lists: list[WatchlistSummary] = []
        self.current: int | None = None
        self.type_ahead = TypeAhead(self.search)  # older answers are dropped
        with ui.card().classes("w-full q-pa-md").mark("panel-watchlists"):
            with ui.row().classes("w-full items-center gap-3"):
                self.picker = (
                    ui.select({}, label="Watchlist", on_change=lambda e: self.choose(e.value))
                    .props("outlined dense").classes("w-64").mark("watchlist-picker")
                )  # fmt: skip
                ui.button("New list", icon="add", on_click=self.create).props("flat").mark(
                    "watchlist-new"
                )
                self.rename_button = ui.button("Rename", icon="edit", on_click=self.rename)
                self.rename_button.props("flat").mark("watchlist-rename")
                self.delete_button = ui.button("Delete", icon="delete", on_click=self.delete)
                self.delete_button.props("flat color=negative").mark("watchlist-delete")
                ui.space()
                self.updated = ui.label("").classes("text-sm text-grey-7").mark("prices-note")
            with ui.column().classes("w-full gap-1 q-mt-sm"):
                self.box = (
                    ui.input("Add an instrument: type a symbol, name or key",
                             placeholder="RELIANCE, NIFTY 50, BANKNIFTY FUT",
                             on_change=lambda _: self.type_ahead.schedule())
                    .props("clearable outlined dense").classes("w-full max-w-xl")
                    .mark("watchlist-add")
                )  # fmt: skip
                self.suggestions = ui.column().classes("w-full max-w-xl gap-0")
                self.suggestions.mark("watchlist-suggestions")
            self.problem = ui.label("").classes("text-negative text-sm").mark("watchlist-problem")
            self.problem.set_visibility(False)
            self.loading = ui.row().classes("items-center gap-2 text-grey-7")
            with self.loading:
                ui.spinner(size="sm")
                ui.label("Loading…")
            self.empty = ui.label("").classes("text-sm text-grey-7").mark("watchlist-empty")
            self.table = ui.table(columns=COLUMNS, rows=[], row_key="key")
            self.table.props("dense flat").classes("w-full").mark("watchlist-table")
            self.table.add_slot("body-cell-change", CHANGE_CELL)
            self.table.add_slot("body-cell-change_pct", CHANGE_CELL)
            self.table.add_slot("body-cell-actions", ACTIONS_CELL)
            self.table.on("remove", lambda e: self.remove(e.args["key"], e.args["symbol"]))
            self.table.on("rowClick", lambda e: open_quote(e.args[1]["key"]))

    # --- lists -------------------------------------------------------------------
    async def load_lists(self, choose: int | None = None) -> None:
        try:
            self.lists = await self.ctx.api.watchlists()
        except ApiProblem as problem:
            self.show_problem(problem)
            return
        self.picker.options = {w.id: f"{w.name} ({count(w.items)})" for w in self.lists}
        ids = [w.id for w in self.lists]
        remembered = app.storage.user.get(CHOSEN_LIST)
        wanted = choose if choose in ids else remembered if remembered in ids else None
        if wanted is None and ids:
            wanted = ids[0]
        self.current = wanted  # set first: the picker's change event then changes nothing
        self.picker.update()
        self.picker.set_value(wanted)
        for button in (self.rename_button, self.delete_button):
            button.set_enabled(wanted is not None)
        if wanted is None:
            self.show_list(None)
        else:
            await self.refresh_prices(show_problem=True)

    async def choose(self, watchlist_id: int | None) -> None:
        """The trader picked another list."""
        if watchlist_id == self.current:
            return
        self.current = watchlist_id
        if watchlist_id is not None:
            app.storage.user[CHOSEN_LIST] = watchlist_id
        await self.refresh_prices(show_problem=True)

    async def create(self) -> None:
        name = await ask_name("New watchlist", "")
        if not name:
            return
        try:
            created = await self.ctx.api.create_watchlist(name)
        except ApiProblem as problem:
            ui.notify(problem.message, type="negative", multi_line=True)
            return
        ui.notify(f"Created {created.name}.", type="positive")
        await self.load_lists(choose=created.id)

    async def rename(self) -> None:
        if self.current is None:
            return
        old = next((w.name for w in self.lists if w.id == self.current), "")
        name = await ask_name("Rename watchlist", old)
        if not name or name == old:
            return
        try:
            await self.ctx.api.rename_watchlist(self.current, name)
        except ApiProblem as problem:
            ui.notify(problem.message, type="negative", multi_line=True)
            return
        await self.load_lists(choose=self.current)

    async def delete(self) -> None:
        if self.current is None:
            return
        name = next((w.name for w in self.lists if w.id == self.current), "this list")
        if not await confirm(f"Delete the watchlist {name} and its instruments?"):
            return
        try:
            await self.ctx.api.delete_watchlist(self.current)
        except ApiProblem as problem:
            ui.notify(problem.message, type="negative", multi_line=True)
            return
        ui.notify(f"Deleted {name}.")
        await self.load_lists()

    # --- items -------------------------------------------------------------------
    async def search(self) -> None:
        text = (self.box.value or "").strip()
        asked = self.type_ahead.ask()
        if not text:
            self.suggestions.clear()
            return
        try:
            found = await self.ctx.api.search_instruments(text, limit=SUGGESTIONS)
        except ApiProblem as problem:
            found, said = [], f"Could not search: {problem.message}"
        else:
            said = "" if found else "No instrument matches; try fewer letters or an ISIN."
        if not self.type_ahead.is_newest(asked):
            return
        self.suggestions.clear()
        with self.suggestions:
            if said:
                ui.label(said).classes("text-sm text-grey-7")
            for instrument in found:
                suggestion(instrument, self.add)

    async def add(self, instrument: Instrument) -> None:
        if self.current is None:
            ui.notify("Create a watchlist first (New list).", type="warning")
            return
        try:
            change = await self.ctx.api.add_to_watchlist(self.current, instrument.instrument_key)
        except ApiProblem as problem:
            ui.notify(problem.message, type="negative", multi_line=True)
            return
        ui.notify(change.message, type="positive" if change.changed else "info")
        self.box.set_value("")
        self.suggestions.clear()
        await self.load_lists(choose=self.current)

    async def remove(self, key: str, symbol: str) -> None:
        if self.current is None:
            return
        try:
            change = await self.ctx.api.remove_from_watchlist(self.current, key)
        except ApiProblem as problem:
            ui.notify(problem.message, type="negative", multi_line=True)
            return
        ui.notify(change.message or f"Removed {symbol}.")
        await self.load_lists(choose=self.current)

    # --- prices ------------------------------------------------------------------
    async def refresh_prices(self, show_problem: bool = False) -> None:
        """The poll: re-read the chosen list (raises ApiProblem for the poller)."""
        if self.current is None:
            return
        try:
            shown = await self.ctx.api.watchlist(self.current)
        except ApiError as error:
            if error.http_status == 404:  # deleted in another tab
                await self.load_lists()
                return
            raise
        except ApiProblem as problem:
            if show_problem:
                self.show_problem(problem)
                return
            raise
        self.show_list(shown)

    def show_list(self, shown: Watchlist | None) -> None:
        self.loading.set_visibility(False)
        self.problem.set_visibility(False)
        if shown is None:
            self.table.rows = []
            self.empty.set_text("No watchlist yet: New list makes one.")
            self.updated.set_text("")
            return
        self.table.rows = [table_row(item) for item in shown.instruments]
        self.empty.set_text(
            "" if shown.instruments else "This list is empty: add instruments with the search box."
        )
        self.updated.set_text(
            f"Prices unavailable: {shown.prices_unavailable}"
            if shown.prices_unavailable
            else f"Live, refreshed every {WATCHLIST_REFRESH_SECONDS:g} s"
        )

    def show_problem(self, problem: ApiProblem) -> None:
        self.loading.set_visibility(False)
        self.problem.set_text(f"Could not load the watchlist: {problem.message}")
        self.problem.set_visibility(True)


def open_quote(key: str) -> None:
    ui.navigate.to(f"/quote?symbol={quote(key, safe='')}")


def suggestion(instrument: Instrument, add: Any) -> None:
    """One clickable search result: symbol, segment and name."""
    with (
        ui.item(on_click=lambda i=instrument: add(i))
        .props("clickable dense")
        .classes("w-full")
        .mark("watchlist-suggestion")
    ):
        with ui.item_section().props("avatar"):
            ui.icon("add_circle", color="primary")
        with ui.item_section():
            ui.item_label(instrument.trading_symbol).classes("text-weight-medium")
            ui.item_label(f"{instrument.segment} · {instrument.name}").props("caption")


def table_row(item: WatchlistItem) -> dict[str, Any]:
    change = item.change
    direction = 0 if change is None or change == 0 else (1 if change > 0 else -1)
    return {
        "key": item.instrument_key,
        "symbol": item.trading_symbol,
        "segment": item.segment or "—",
        "ltp": price(item.ltp),
        "change": signed(change),
        "change_pct": "—" if item.change_pct is None else f"{item.change_pct:+.2f}%",
        "pct_value": item.change_pct if item.change_pct is not None else 0.0,
        "volume": count(item.volume) if item.volume is not None else "—",
        "direction": direction,
    }


def price(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+,.2f}"


async def ask_name(title: str, current: str) -> str | None:
    """A small dialog asking for a list name; None when cancelled."""
    with ui.dialog() as dialog, ui.card().classes("q-pa-md").mark("name-dialog"):
        ui.label(title).classes("text-subtitle1 text-weight-medium")
        box = ui.input("Name", value=current).props("autofocus outlined dense").mark("name-input")
        box.on("keydown.enter", lambda: dialog.submit((box.value or "").strip()))
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat")
            ui.button("Save", on_click=lambda: dialog.submit((box.value or "").strip())).mark(
                "name-save"
            )
    answer = await dialog
    dialog.delete()
    return str(answer) if answer else None


async def confirm(question: str) -> bool:
    with ui.dialog() as dialog, ui.card().classes("q-pa-md").mark("confirm-dialog"):
        ui.label(question)
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(False)).props("flat")
            ui.button("Delete", on_click=lambda: dialog.submit(True)).props("color=negative").mark(
                "confirm-yes"
            )
    answer = await dialog
    dialog.delete()
    return bool(answer)
