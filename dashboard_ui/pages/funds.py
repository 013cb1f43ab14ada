"""Funds & Margins (Account): available, used and collateral margin per segment."""

from __future__ import annotations

from decimal import Decimal

from nicegui import ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiError, ApiProblem
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.formatting import rupees
from dashboard_ui.layout import Chrome
from dashboard_ui.panels import Panel, facts
from dashboard_ui.page_registry import PageSpec
from scripts.api_schemas.account import Margins, SegmentMargin

SEGMENT_TITLES = {"equity": "Equity (SEC)", "commodity": "Commodity (COM)"}
DETAIL_ROWS = (
    ("payin_amount", "Pay-in today"),
    ("span_margin", "SPAN margin"),
    ("exposure_margin", "Exposure margin"),
    ("adhoc_margin", "Ad-hoc margin"),
    ("notional_cash", "Notional cash"),
)


async def build(ctx: DashboardContext, chrome: Chrome) -> None:
    view = FundsView(ctx)
    refresh.Poller("funds", view.load, view.show_problem, refresh.PAGE_REFRESH_SECONDS)


PAGE = PageSpec(
    path="/funds",
    title="Funds & Margins",
    group="Account",
    icon="account_balance_wallet",
    order=25,
    build=build,
)


class FundsView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        self.panel = Panel("Margins per segment", "account_balance_wallet", "panel-funds", "w-full")

    async def load(self) -> None:
        self.panel.show(render_margins, await self.ctx.api.margins())

    def show_problem(self, problem: ApiProblem) -> None:
        if isinstance(problem, ApiError) and problem.code == "broker_login_required":
            self.panel.show(render_login_needed, problem.message)
        else:
            self.panel.show_problem(problem)


def render_margins(data: Margins) -> None:
    with ui.grid().classes("w-full gap-6 grid-cols-1 md:grid-cols-2"):
        for segment in data.segments:
            render_segment(segment)


def render_segment(segment: SegmentMargin) -> None:
    name = segment.segment
    available = segment.available or Decimal(0)
    used = segment.used or Decimal(0)
    total = available + max(used, Decimal(0))
    with ui.column().classes("gap-2").mark(f"segment-{name}"):
        ui.label(SEGMENT_TITLES.get(name, name)).classes("text-subtitle1 text-weight-medium")
        ui.label(rupees(segment.available)).classes("text-h5 text-positive").mark(
            f"{name}-available"
        )
        ui.label("available to trade").classes("text-grey-7 text-sm")
        share = float(used / total) if total > 0 and used > 0 else 0.0
        ui.linear_progress(value=share, show_value=False, size="12px").props(
            "color=orange track-color=green-2"
        ).mark(f"{name}-usage")
        ui.label(f"{share:.0%} of margin in use").classes("text-sm text-grey-8")
        collateral = segment.collateral
        facts(
            [
                ("Used margin", rupees(segment.used)),
                (
                    "Collateral (pledged)",
                    (
                        rupees(collateral)
                        if collateral is not None
                        else "not reported for this segment"
                    ),
                ),
            ]
            + [(label, rupees(getattr(segment.details, key))) for key, label in DETAIL_ROWS],
            marker_prefix=name,
        )


def render_login_needed(message: str) -> None:
    ui.label(message).classes("text-orange-9").mark("funds-login-needed")
    ui.link("Go to Profile & Connection to log in", "/profile")
