"""Data & Exports (System): start a candle backfill and watch it run.

Thin like every page: the form posts to ``POST /api/candles/backfill`` (which only queues;
the scheduler's worker does the work) and the task table re-reads ``GET /api/candles/backfill``
every second while a task is queued or running, and every 15 s otherwise. The page is a
column of panels so more can follow the tasks (candle coverage comes next).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from nicegui import ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiProblem
from dashboard_ui.formatting import count, ist_time
from dashboard_ui.layout import Chrome
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.page_registry import PageSpec
from dashboard_ui.panels import Panel
from scripts.api_schemas.candle_backfill import BackfillTask
from scripts.clock import IST

LIVE_SECONDS = 1.0  # while a task is queued or running
TASK_LIMIT = 20
INTERVALS = {
    "1m": "1 minute",
    "5m": "5 minutes",
    "15m": "15 minutes",
    "30m": "30 minutes",
    "1h": "1 hour",
    "1d": "1 day",
    "1w": "1 week",
    "1M": "1 month",
}
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


PAGE = PageSpec(
    path="/data", title="Data & Exports", group="System", icon="storage", order=30, build=build
)


class DataView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        self.any_active = False
        self.live: ui.timer | None = None
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
                    self.interval = ui.select(INTERVALS, value="1d", label="Interval")
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
        self.any_active = any(task.state in ("queued", "running") for task in tasks)
        if self.live is not None:
            self.live.active = self.any_active

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
        "interval": INTERVALS.get(task.interval, task.interval),
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
