"""Data & Exports (System): start a candle backfill, watch it run, and see what is stored.

Thin like every page: the form posts to ``POST /api/candles/backfill`` (which only queues;
the scheduler's worker does the work) and the task table re-reads ``GET /api/candles/backfill``
every second while a task is queued or running, and every 15 s otherwise. The candle coverage
panel shows ``GET /api/candles/coverage`` (first, last, count, freshness, gaps in words) in a
sortable, filterable table with a CSV download; a row's action posts
``POST /api/candles/backfill/gaps``, which queues exactly what that series lacks, and the
panel re-reads coverage whenever a task finishes.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

from nicegui import ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiProblem
from dashboard_ui.formatting import CANDLE_INTERVALS, count, ist_time
from dashboard_ui.layout import Chrome
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.page_registry import PageSpec
from dashboard_ui.panels import Panel
from scripts.api_schemas.candle_backfill import BackfillTask
from scripts.api_schemas.candles import CoverageGap, SeriesCoverage
from scripts.clock import IST

LIVE_SECONDS = 1.0  # while a task is queued or running
TASK_LIMIT = 20
TASK_COLUMNS: list[dict[str, Any]] = [
    {"name": "id", "label": "#", "field": "id", "align": "right"},
    {"name": "symbol", "label": "Instrument", "field": "symbol", "align": "left"},
    {"name": "interval", "label": "Interval", "field": "interval", "align": "left"},
    {"name": "range", "label": "Range (IST)", "field": "range", "align": "left"},
    {"name": "state", "label": "State", "field": "state", "align": "left"},
    {"name": "progress", "label": "Progress", "field": "progress", "align": "left"},
    {"name": "rows", "label": "Candles stored", "field": "rows", "align": "right"},
    {"name": "rejects", "label": "Rejected", "field": "rejects", "align": "right"},
    {"name": "detail", "label": "Details", "field": "detail", "align": "left"},
]
COVERAGE_COLUMNS: list[dict[str, Any]] = [
    {"name": "symbol", "label": "Instrument", "field": "symbol", "align": "left",
     "sortable": True},
    {"name": "interval", "label": "Interval", "field": "interval", "align": "left",
     "sortable": True},
    {"name": "first", "label": "First (IST)", "field": "first", "align": "left",
     "sortable": True},
    {"name": "last", "label": "Last (IST)", "field": "last", "align": "left", "sortable": True},
    {"name": "count", "label": "Candles", "field": "count", "align": "right", "sortable": True},
    {"name": "freshness", "label": "Freshness", "field": "freshness", "align": "left",
     "sortable": True},
    {"name": "gaps", "label": "Gaps", "field": "gaps", "align": "left", "sortable": True},
    {"name": "action", "label": "", "field": "action", "align": "left"},
]  # fmt: skip
ACTION_CELL = """
<q-td :props="props">
  <q-btn v-if="props.row.action" dense flat no-caps color="primary" icon="download"
    :label="props.row.action" @click="() => $parent.$emit('fill', props.row)" />
</q-td>
"""
MAX_GAPS_IN_WORDS = 3
PROGRESS_CELL = """
<q-td :props="props">
  <div class="row items-center no-wrap q-gutter-x-sm" style="min-width: 9rem">
    <q-linear-progress :value="props.row.progress" size="10px" rounded class="col"
      :color="props.row.colour" track-color="grey-3" />
    <span class="text-caption">{{ props.row.percent }}</span>
  </div>
</q-td>
"""


async def build(ctx: DashboardContext, chrome: Chrome) -> None:
    view = DataView(ctx)
    await view.load_tasks()
    refresh.Poller("data-tasks", view.load_tasks, view.tasks.show_problem,
                   refresh.PAGE_REFRESH_SECONDS)  # fmt: skip
    view.live = ui.timer(LIVE_SECONDS, view.load_tasks_quietly, active=view.any_active)
    await view.load_coverage_quietly()
    refresh.Poller("data-coverage", view.load_coverage, view.coverage.show_problem,
                   refresh.PAGE_REFRESH_SECONDS)  # fmt: skip


PAGE = PageSpec(
    path="/data", title="Data & Exports", group="System", icon="storage", order=30, build=build
)


class DataView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        self.any_active = False
        self.active_ids: set[int] = set()
        self.live: ui.timer | None = None
        self.coverage_rows: list[dict[str, Any]] = []
        self.coverage_table: ui.table | None = None
        today = datetime.now(IST).date()
        # One column of panels: the backfill form and tasks first; more panels go below.
        self.column = ui.column().classes("w-full gap-4").mark("data-panels")
        with self.column:
            with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-4"):
                with ui.card().classes("q-pa-md").mark("panel-start-backfill"):
                    with ui.row().classes("items-center gap-2 no-wrap"):
                        ui.icon("download", size="sm").classes("text-primary")
                        ui.label("Start a backfill").classes("text-subtitle1 text-weight-medium")
                    self.symbol = ui.input("Symbol or instrument key", placeholder="RELIANCE")
                    self.symbol.props("outlined dense").classes("w-full").mark("backfill-symbol")
                    self.interval = ui.select(CANDLE_INTERVALS, value="1d", label="Interval")
                    self.interval.props("outlined dense").classes("w-full")
                    self.interval.mark("backfill-interval")
                    self.from_date = ui.input("From (IST)", value=str(today - timedelta(days=365)))
                    self.from_date.props("type=date outlined dense").classes("w-full")
                    self.from_date.mark("backfill-from")
                    self.to_date = ui.input("To (IST)", value=str(today))
                    self.to_date.props("type=date outlined dense").classes("w-full")
                    self.to_date.mark("backfill-to")
                    ui.button("Start backfill", icon="play_arrow", on_click=self.start).mark(
                        "backfill-start"
                    )
                    self.message = ui.label("").classes("text-sm").mark("backfill-message")
                self.tasks = Panel(
                    "Backfill tasks", "sync", "panel-backfill-tasks", "lg:col-span-3"
                )
            self.coverage = Panel("Candle coverage", "data_usage", "panel-candle-coverage")
            with self.coverage.card:
                with ui.row().classes("w-full items-center gap-3") as tools:
                    self.coverage_filter = (
                        ui.input("Filter", placeholder="RELIANCE, 1d, missing…")
                        .props("outlined dense clearable").classes("w-64")
                        .mark("coverage-filter")
                    )  # fmt: skip
                    ui.button("Download CSV", icon="file_download", on_click=self.download)
                    self.fill_message = ui.label("").classes("text-sm").mark("coverage-message")
            tools.move(self.coverage.card, target_index=2)  # between the title and the body

    async def start(self) -> None:
        symbol = (self.symbol.value or "").strip()
        if not symbol:
            self.say("Type a symbol (RELIANCE) or an instrument key (NSE_EQ|INE002A01018).", True)
            return
        try:
            task = await self.ctx.api.start_backfill(
                symbol, str(self.interval.value), str(self.from_date.value), str(self.to_date.value)
            )
        except ApiProblem as problem:
            self.say(f"Not started: {problem.message}", True)
            return
        note = f" {task.note}" if task.note else ""
        self.say(
            f"Queued task #{task.task_id}: {task.trading_symbol} {task.interval} "
            f"{task.from_date} to {task.to_date}, {task.chunks_total} request(s).{note}",
            False,
        )
        await self.load_tasks()

    def say(self, text: str, problem: bool) -> None:
        self.message.set_text(text)
        self.message.classes(replace="text-sm " + ("text-negative" if problem else "text-positive"))

    async def load_tasks(self) -> None:
        tasks = await self.ctx.api.backfill_tasks(TASK_LIMIT)
        self.tasks.show(render_tasks, tasks)
        active = {task.task_id for task in tasks if task.state in ("queued", "running")}
        finished = self.active_ids - active
        self.active_ids = active
        self.any_active = bool(active)
        if self.live is not None:
            self.live.active = self.any_active
        if finished:  # a task ended: what is stored has changed
            await self.load_coverage_quietly()

    async def load_coverage(self) -> None:
        series = await self.ctx.api.candle_coverage()
        self.coverage_rows = [coverage_row(item) for item in series]
        if self.coverage_table is not None and self.coverage_rows:
            self.coverage_table.rows = self.coverage_rows  # keeps the sort and the filter
            self.coverage_table.update()
            self.coverage.problem.set_visibility(False)
            return
        self.coverage.show(self.render_coverage, self.coverage_rows)

    async def load_coverage_quietly(self) -> None:
        try:
            await self.load_coverage()
        except ApiProblem as problem:
            self.coverage.show_problem(problem)

    def render_coverage(self, rows: list[dict[str, Any]]) -> None:
        self.coverage_table = None
        if not rows:
            ui.label(
                "No candles stored yet. Start a backfill above (or from a chart); each stored "
                "series then shows here with its gaps."
            ).classes("text-sm text-grey-7").mark("coverage-empty")
            return
        table = ui.table(columns=COVERAGE_COLUMNS, rows=rows, row_key="key")
        table.props("dense flat wrap-cells").classes("w-full").mark("coverage-table")
        table.add_slot("body-cell-action", ACTION_CELL)
        table.bind_filter_from(self.coverage_filter, "value")
        table.on("fill", lambda event: self.fill(event.args))
        self.coverage_table = table

    async def fill(self, row: dict[str, Any]) -> None:
        """Queue what one series lacks; the API decides the ranges (one task per gap)."""
        try:
            tasks = await self.ctx.api.fill_gaps(row["instrument_key"], row["interval_label"])
        except ApiProblem as problem:
            self.say_fill(f"Not queued: {problem.message}", True)
            return
        if not tasks:
            self.say_fill(f"{row['symbol']} {row['interval']}: nothing is missing.", False)
        else:
            ranges = ", ".join(f"{t.from_date:%d %b %Y} – {t.to_date:%d %b %Y}" for t in tasks)
            self.say_fill(
                f"Queued {len(tasks)} backfill(s) for {row['symbol']} {row['interval']}: "
                f"{ranges}.",
                False,
            )
        await self.load_tasks()

    def say_fill(self, text: str, problem: bool) -> None:
        self.fill_message.set_text(text)
        self.fill_message.classes(
            replace="text-sm " + ("text-negative" if problem else "text-positive")
        )

    def download(self) -> None:
        ui.download.content(coverage_csv(self.coverage_rows), "candle-coverage.csv", "text/csv")

    async def load_tasks_quietly(self) -> None:
        """The fast timer's read; a failure is shown by the regular poller, not twice."""
        try:
            await self.load_tasks()
        except ApiProblem as problem:
            self.tasks.show_problem(problem)


def render_tasks(tasks: list[BackfillTask]) -> None:
    if not tasks:
        ui.label(
            "No backfill yet. Start one on the left: the scheduler fetches the candles from "
            "Upstox in the background, and this table shows its progress."
        ).classes("text-sm text-grey-7").mark("backfill-empty")
        return
    table = ui.table(columns=TASK_COLUMNS, rows=[task_row(task) for task in tasks], row_key="id")
    table.props("dense flat wrap-cells").classes("w-full").mark("backfill-tasks")
    table.add_slot("body-cell-progress", PROGRESS_CELL)


def task_row(task: BackfillTask) -> dict[str, Any]:
    return {
        "id": task.task_id,
        "symbol": task.trading_symbol,
        "interval": CANDLE_INTERVALS.get(task.interval, task.interval),
        "range": f"{task.from_date:%d %b %Y} – {task.to_date:%d %b %Y}",
        "state": state_words(task),
        "progress": task.progress,
        "percent": f"{task.progress:.0%}",
        "colour": {"failed": "negative", "done": "positive"}.get(task.state, "primary"),
        "rows": count(task.rows_written),
        "rejects": count(task.rows_rejected),
        "detail": detail(task),
    }


def state_words(task: BackfillTask) -> str:
    if task.state == "queued":
        waiting = "Waiting for the scheduler"
        return (
            f"{waiting} (resumes at {task.chunks_done}/{task.chunks_total})"
            if (task.chunks_done)
            else waiting
        )
    if task.state == "running":
        return f"Running: request {task.chunks_done + 1} of {task.chunks_total}"
    if task.state == "done":
        return f"Done {ist_time(task.finished_at)}"
    return f"Failed {ist_time(task.finished_at)}"


def detail(task: BackfillTask) -> str:
    parts = []
    if task.error:
        parts.append(task.error)
    if task.note:
        parts.append(task.note)
    if task.reject_sample:
        parts.append(f"Rejected, e.g. {task.reject_sample[0]}")
    return " ".join(parts) or "—"


def coverage_row(item: SeriesCoverage) -> dict[str, Any]:
    return {
        "key": f"{item.instrument_key} {item.interval}",
        "instrument_key": item.instrument_key,
        "interval_label": item.interval,
        "symbol": item.trading_symbol or item.instrument_key,
        "interval": CANDLE_INTERVALS.get(item.interval, item.interval),
        "first": f"{item.first:%Y-%m-%d %H:%M}",
        "last": f"{item.last:%Y-%m-%d %H:%M}",
        "count": item.count,
        "freshness": freshness_words(item),
        "gaps": gaps_words(item.gaps),
        "action": action_words(item),
    }


def freshness_words(item: SeriesCoverage) -> str:
    if item.sessions_behind is None:
        return "Not known (past the trading calendar's data)"
    if item.sessions_behind == 0:
        return "Up to date"
    plural = "s" if item.sessions_behind > 1 else ""
    last = f" (last session {item.last_session:%d %b %Y})" if item.last_session else ""
    return f"{item.sessions_behind} session{plural} behind{last}"


def gaps_words(gaps: list[CoverageGap]) -> str:
    """E.g. "2 sessions missing: 12–13 Mar 2025; 1 session partial: 04 Jun 2025"."""
    if not gaps:
        return "None"
    parts = []
    for gap in gaps[:MAX_GAPS_IN_WORDS]:
        plural = "s" if gap.sessions > 1 else ""
        parts.append(
            f"{gap.sessions} session{plural} {gap.kind}: {day_range(gap.first_day, gap.last_day)}"
        )
    if len(gaps) > MAX_GAPS_IN_WORDS:
        rest = gaps[MAX_GAPS_IN_WORDS:]
        parts.append(f"and {len(rest)} more gap(s) of {sum(g.sessions for g in rest)} sessions")
    return "; ".join(parts)


def day_range(first: date, last: date) -> str:
    """12 Mar 2025; 12–13 Mar 2025; 28 Feb – 03 Mar 2025; 30 Dec 2024 – 02 Jan 2025."""
    if first == last:
        return f"{first:%d %b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%d}–{last:%d %b %Y}"
    if first.year == last.year:
        return f"{first:%d %b} – {last:%d %b %Y}"
    return f"{first:%d %b %Y} – {last:%d %b %Y}"


def action_words(item: SeriesCoverage) -> str:
    """The row's button: what the API's gap filling would queue for it ("" = nothing)."""
    behind = item.sessions_behind is None or item.sessions_behind > 0
    if item.gaps and behind:
        return "Backfill gaps and extend to today"
    if item.gaps:
        return "Backfill gaps"
    return "Extend to today" if behind else ""


def coverage_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["instrument_key", "symbol", "interval", "first_ist", "last_ist", "count",
                     "freshness", "gaps"])  # fmt: skip
    for row in rows:
        writer.writerow([row["instrument_key"], row["symbol"], row["interval_label"],
                         row["first"], row["last"], row["count"], row["freshness"],
                         row["gaps"]])  # fmt: skip
    return out.getvalue()
