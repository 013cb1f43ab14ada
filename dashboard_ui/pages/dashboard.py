"""Dashboard (Core): the platform at a glance — API, broker, market, scheduler, database, jobs.

Thin by design: it draws panels and fills them from the API client. Health and
market status come from the header's poll (one request for both); the
database report and the jobs list are re-read every ``PAGE_REFRESH_SECONDS``
while the page is open.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiProblem
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.formatting import age, count, ist_time, market_words, size
from dashboard_ui.header import token_words
from dashboard_ui.layout import Chrome, PlatformStatus
from dashboard_ui.panels import Panel, facts, state_dot
from dashboard_ui.page_registry import PageSpec
from scripts.api_schemas.health import BrokerHealth, PlatformHealth, SchedulerHealth
from scripts.api_schemas.market import MarketStatus
from scripts.api_schemas.system import DatabaseReport, JobSummary

JOB_COLUMNS: list[dict[str, Any]] = [
    {"name": "name", "label": "Job", "field": "name", "align": "left", "sortable": True},
    {"name": "schedule", "label": "Schedule", "field": "schedule", "align": "left"},
    {"name": "next_run", "label": "Next run", "field": "next_run", "align": "left",
     "sortable": True},
    {"name": "last_run", "label": "Last run", "field": "last_run", "align": "left",
     "sortable": True},
    {"name": "last_status", "label": "Last status", "field": "last_status", "align": "left",
     "sortable": True},
    {"name": "successes", "label": "Succeeded", "field": "successes", "align": "right"},
]  # fmt: skip


async def build(ctx: DashboardContext, chrome: Chrome) -> None:
    view = DashboardView()
    chrome.on_status(view.show_status)
    refresh.Poller(
        "dashboard", lambda: view.load(ctx), view.show_problem, refresh.PAGE_REFRESH_SECONDS
    )


PAGE = PageSpec(path="/", title="Dashboard", group="Core", icon="dashboard", order=1, build=build)


class DashboardView:
    """The page's panels and the latest data each was drawn from."""

    def __init__(self) -> None:
        self.health: PlatformHealth | None = None
        self.jobs: list[JobSummary] | None = None
        with ui.grid().classes("w-full gap-4 grid-cols-1 md:grid-cols-2 xl:grid-cols-4"):
            self.platform = Panel("Platform", "dns", "panel-platform")
            self.broker = Panel("Upstox connection", "link", "panel-broker")
            self.market = Panel("Market", "schedule", "panel-market")
            self.scheduler = Panel("Scheduler", "update", "panel-scheduler")
        with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-3"):
            self.database = Panel("Database", "storage", "panel-database")
            self.job_table = Panel("Scheduled jobs", "event_repeat", "panel-jobs", "lg:col-span-2")

    async def load(self, ctx: DashboardContext) -> None:
        report = await ctx.api.database_report()
        self.database.show(render_database, report)
        self.jobs = await ctx.api.jobs()
        self.job_table.show(render_jobs, self.jobs)
        self._show_scheduler()

    def show_problem(self, problem: ApiProblem) -> None:
        self.database.show_problem(problem)
        self.job_table.show_problem(problem)

    def show_status(self, status: PlatformStatus) -> None:
        if status.problem is not None:
            self.platform.show(render_api_down, status.problem)
            for panel in (self.broker, self.market, self.scheduler):
                panel.show_problem(status.problem)
            return
        if status.health is None or status.market is None:
            return
        self.health = status.health
        self.platform.show(render_platform, self.health)
        self.broker.show(render_broker, self.health.broker)
        self.market.show(render_market, status.market)
        self._show_scheduler()

    def _show_scheduler(self) -> None:
        if self.health is not None:
            self.scheduler.show(render_scheduler, (self.health.scheduler, self.jobs))


def render_api_down(problem: ApiProblem) -> None:
    state_dot(False, "API not answering")
    ui.label(problem.message).classes("text-sm text-grey-8")


def render_platform(health: PlatformHealth) -> None:
    overall = health.status
    state_dot(True, "API answering" + ("" if overall == "ok" else " (some parts need attention)"))
    facts(
        [
            ("Version", health.version),
            ("Mode", f"{health.mode_label} ({health.mode})"),
            ("Checked", ist_time(health.time, with_date=False)),
        ],
        "platform",
    )


def render_broker(broker: BrokerHealth) -> None:
    reachable = broker.reachable
    state_dot(reachable, "Reachable" if reachable else "Not reachable")
    rows = [("Host", broker.host or "—"), ("Login", token_words(broker))]
    if broker.latency_ms is not None:
        rows.append(("Latency", f"{broker.latency_ms} ms"))
    if broker.detail:
        rows.append(("Detail", broker.detail))
    facts(rows, "broker")


def render_market(market: MarketStatus) -> None:
    words, colour = market_words(market.status)
    ui.label(f"{market.exchange} {words}").classes(f"text-h6 text-weight-bold text-{colour}").mark(
        "market-words"
    )
    ui.label(market.reason).classes("text-sm text-grey-8")
    facts([("Next open", ist_time(market.next_open))], "market")


def render_scheduler(data: tuple[SchedulerHealth, list[JobSummary] | None]) -> None:
    scheduler, jobs = data
    state = scheduler.state
    words = {
        "running": "Running",
        "stale": "Stale: no heartbeat lately",
        "never": "Never started",
    }.get(state, state.capitalize())
    state_dot(scheduler.ok if state != "unknown" else None, words)
    rows = [("Heartbeat", age(scheduler.age_seconds))]
    if scheduler.detail:
        rows.append(("Detail", scheduler.detail))
    upcoming = sorted(
        (job for job in jobs or [] if job.enabled and job.next_run_at),
        key=lambda job: job.next_run_at.timestamp() if job.next_run_at else 0.0,
    )[:3]
    facts(rows, "scheduler")
    if jobs is None:
        return
    ui.label("Next runs").classes("text-caption text-grey-7 q-mt-sm")
    if not upcoming:
        ui.label("none scheduled").classes("text-sm").mark("scheduler-next-run")
    for job in upcoming:
        ui.label(f"{ist_time(job.next_run_at)} · {job.name or job.job_id}").classes("text-sm").mark(
            "scheduler-next-run"
        )


def render_database(report: DatabaseReport) -> None:
    revision, head = report.schema_revision, report.schema_head
    up_to_date = bool(report.up_to_date)
    state_dot(report.ok, "Answering" if report.ok else "Needs attention")
    schema = (
        f"{revision} (head {head}, up to date)"
        if up_to_date
        else f"{revision or 'none'}, head is {head}: run ./setup.sh"
    )
    facts(
        [
            ("Dialect", report.dialect),
            ("Schema", schema),
            ("Size", size(report.size_bytes)),
        ],
        "db",
    )
    if report.detail:
        ui.label(report.detail).classes("text-sm text-negative")
    tables = report.tables or []
    if tables:
        ui.label("Rows per table").classes("text-caption text-grey-7 q-mt-sm")
        with ui.grid(columns="1fr auto").classes("w-full gap-x-4 gap-y-0"):
            for table in tables:
                ui.label(table.table).classes("text-sm font-mono")
                ui.label(count(table.rows)).classes("text-sm text-right").mark(
                    f"rows-{table.table}"
                )


def job_rows(jobs: list[JobSummary]) -> list[dict[str, Any]]:
    """The API's job records as table rows with IST times and words."""
    return [
        {
            "job_id": job.job_id,
            "name": job.name or job.job_id,
            "schedule": job.schedule,
            "next_run": ist_time(job.next_run_at) if job.enabled else "paused",
            "last_run": ist_time(job.last_run_at),
            "last_status": job.last_status or "never run",
            "successes": f"{job.successes} of {job.runs}",
        }
        for job in jobs
    ]


def render_jobs(jobs: list[JobSummary]) -> None:
    if not jobs:
        ui.label(
            "No scheduled jobs yet: the scheduler registers its jobs when it first starts."
        ).classes("text-sm text-grey-7").mark("jobs-empty")
        return
    table = ui.table(columns=JOB_COLUMNS, rows=job_rows(jobs), row_key="job_id")
    table.props("dense flat").classes("w-full").mark("jobs-table")
    table.add_slot(
        "body-cell-last_status",
        """
        <q-td :props="props">
          <q-badge :color="{success: 'positive', failed: 'negative', error: 'negative',
                            running: 'info'}[props.value] || 'grey'" :label="props.value" />
        </q-td>
        """,
    )
