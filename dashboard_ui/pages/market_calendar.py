"""Market Calendar (Markets, page 20): holidays, session times and today's status per exchange.

Everything comes from ``GET /api/market/calendar`` and ``/api/market/status``;
a year past the calendar's data shows the API's own words (update the data)
instead of an empty, reassuring list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nicegui import ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiError, ApiProblem
from dashboard_ui.formatting import ist_time, market_words
from dashboard_ui.layout import Chrome
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.page_registry import PageSpec
from dashboard_ui.panels import Panel, facts
from scripts.api_schemas.market import MarketCalendar, MarketStatus
from scripts.clock import IST

EXCHANGES = {"NSE": "NSE (equity, F&O)", "BSE": "BSE (equity, F&O)", "MCX": "MCX (commodities)"}
SESSION_NAMES = {
    "pre_open": "Pre-open",
    "normal": "Normal market",
    "closing": "Closing session",
    "special": "Special",
}
CLOSED_WORDS = {"all_day": "All day", "morning": "Morning only (evening session trades)"}
HOLIDAY_COLUMNS: list[dict[str, Any]] = [
    {"name": "date", "label": "Date", "field": "date", "align": "left", "sortable": True},
    {"name": "weekday", "label": "Day", "field": "weekday", "align": "left"},
    {"name": "description", "label": "Holiday", "field": "description", "align": "left"},
    {"name": "closed", "label": "Closed", "field": "closed", "align": "left"},
]
SESSION_COLUMNS: list[dict[str, Any]] = [
    {"name": "session", "label": "Session", "field": "session", "align": "left"},
    {"name": "hours", "label": "Hours (IST)", "field": "hours", "align": "left"},
    {"name": "note", "label": "Note", "field": "note", "align": "left"},
]
SPECIAL_COLUMNS: list[dict[str, Any]] = [
    {"name": "date", "label": "Date", "field": "date", "align": "left"},
    {"name": "weekday", "label": "Day", "field": "weekday", "align": "left"},
    {"name": "description", "label": "Session", "field": "description", "align": "left"},
    {"name": "hours", "label": "Hours (IST)", "field": "hours", "align": "left"},
]


async def build(ctx: DashboardContext, chrome: Chrome) -> None:
    view = CalendarView(ctx)
    await view.load_calendar()
    refresh.Poller("market-calendar", view.load_status, view.status.show_problem,
                   refresh.PAGE_REFRESH_SECONDS)  # fmt: skip


PAGE = PageSpec(
    path="/market-calendar",
    title="Market Calendar",
    group="Markets",
    icon="event",
    order=20,
    build=build,
)


class CalendarView:
    """The pickers and the four panels; a picker change redraws the calendar panels."""

    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        this_year = datetime.now(IST).year
        with ui.row().classes("items-center gap-4"):
            self.year = (
                ui.select(list(range(this_year - 3, this_year + 4)), value=this_year, label="Year")
                .classes("w-32")
                .mark("calendar-year")
            )
            self.exchange = ui.select(EXCHANGES, value="NSE", label="Exchange").classes("w-56")
            self.exchange.mark("calendar-exchange")
        self.year.on_value_change(self.reload)
        self.exchange.on_value_change(self.reload)
        with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-3"):
            self.status = Panel("Today", "schedule", "panel-today")
            self.sessions = Panel("Session times", "timer", "panel-sessions", "lg:col-span-2")
        with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-3"):
            self.holidays = Panel("Trading holidays", "event_busy", "panel-holidays",
                                  "lg:col-span-2")  # fmt: skip
            self.special = Panel("Special sessions", "auto_awesome", "panel-special")

    async def reload(self) -> None:
        for panel in (self.status, self.sessions, self.holidays, self.special):
            panel.show_loading()
        await self.load_calendar()
        await self.load_status()

    async def load_calendar(self) -> None:
        try:
            calendar = await self.ctx.api.market_calendar(int(self.year.value), self.exchange.value)
        except ApiError as error:
            for panel in (self.sessions, self.holidays, self.special):
                panel.show(render_not_covered if error.code == "calendar_not_covered" else
                           render_error, error.message)  # fmt: skip
            return
        except ApiProblem as problem:
            for panel in (self.sessions, self.holidays, self.special):
                panel.show_problem(problem)
            return
        self.sessions.show(render_sessions, calendar)
        self.holidays.show(render_holidays, calendar)
        self.special.show(render_special, calendar)

    async def load_status(self) -> None:
        self.status.show(render_today, await self.ctx.api.market_status(self.exchange.value))


def render_today(market: MarketStatus) -> None:
    words, colour = market_words(market.status)
    ui.label(f"{market.exchange} {words}").classes(f"text-h6 text-weight-bold text-{colour}").mark(
        "today-status"
    )
    ui.label(market.reason).classes("text-sm text-grey-8").mark("today-reason")
    facts([("Now", ist_time(market.now)), ("Next open", ist_time(market.next_open))], "today")


def render_sessions(calendar: MarketCalendar) -> None:
    rows = [
        {"session": SESSION_NAMES[s.kind], "hours": f"{s.start}–{s.end}", "note": s.note}
        for s in calendar.regular_sessions
    ]
    ui.table(columns=SESSION_COLUMNS, rows=rows).props("dense flat").classes("w-full").mark(
        "sessions-table"
    )
    ui.label(
        f"Monday to Friday. Calendar data covers {calendar.covered_from:%d %b %Y} to "
        f"{calendar.covered_until:%d %b %Y}."
    ).classes("text-sm text-grey-7").mark("calendar-coverage")


def render_holidays(calendar: MarketCalendar) -> None:
    if not calendar.holidays:
        ui.label(f"No weekday holidays listed for {calendar.year}.").classes("text-grey-7")
        return
    rows = [
        {
            "date": h.date.strftime("%d %b %Y"),
            "weekday": h.weekday,
            "description": h.description,
            "closed": CLOSED_WORDS.get(h.closed, h.closed),
        }
        for h in calendar.holidays
    ]
    ui.label(f"{len(rows)} weekday holidays on {calendar.exchange} in {calendar.year}").classes(
        "text-sm text-grey-8"
    )
    ui.table(columns=HOLIDAY_COLUMNS, rows=rows, row_key="date").props(
        "dense flat :pagination='{rowsPerPage: 0}' hide-bottom"
    ).classes("w-full").mark("holidays-table")


def render_special(calendar: MarketCalendar) -> None:
    if not calendar.special_sessions:
        ui.label(
            f"None listed for {calendar.year}. A Muhurat session is added to "
            "scripts/calendar_data/overrides.csv once the exchange announces it."
        ).classes("text-sm text-grey-7").mark("special-empty")
        return
    rows = [
        {
            "date": s.date.strftime("%d %b %Y"),
            "weekday": s.weekday,
            "description": s.description,
            "hours": (f"pre-open {s.pre_open}, " if s.pre_open else "") + f"{s.open}–{s.close}",
        }
        for s in calendar.special_sessions
    ]
    ui.table(columns=SPECIAL_COLUMNS, rows=rows).props(
        "dense flat :pagination='{rowsPerPage: 0}' hide-bottom"
    ).classes("w-full").mark("special-table")


def render_not_covered(message: str) -> None:
    ui.label(message).classes("text-negative text-sm").mark("calendar-not-covered")


def render_error(message: str) -> None:
    ui.label(message).classes("text-negative text-sm")
