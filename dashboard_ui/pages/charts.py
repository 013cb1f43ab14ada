"""Charts (Core, page 4): candlesticks with volume for any instrument and interval, a date
range, zoom, and SMA / EMA / Bollinger overlays with RSI and MACD panes.

Thin like every page: the candles *and* the indicator lines come from
``GET /api/candles/<symbol>`` (computed server-side, so the chart and any other client see
the same figures); this module only lays them out for ECharts (``ui.echart``). Other pages
link here with ``/charts?symbol=RELIANCE`` (optionally ``&interval=5m``). No stored candles
is said in plain words with the way to get some, right here: "Backfill one year" (or the chosen
range) queues ``POST /api/candles/backfill/chart`` (the API picks the series a chart interval
is drawn from and the range; the button's words come from ``GET .../chart``), a progress bar
follows ``GET /api/candles/backfill/<id>`` every second while it runs, and the chart is drawn
when it is done (a failure is said with its reason).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nicegui import ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiProblem
from dashboard_ui.formatting import CANDLE_INTERVALS
from dashboard_ui.layout import Chrome
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.page_registry import PageSpec
from scripts.api_schemas.candle_backfill import BackfillTask
from scripts.api_schemas.candles import CandleSeries
from scripts.clock import IST

# What each checkbox asks the API for (indicators=...), and its label.
OVERLAYS = {
    "sma": ("sma:20", "SMA 20"),
    "ema": ("ema:50", "EMA 50"),
    "bb": ("bb:20:2", "Bollinger 20, 2"),
    "rsi": ("rsi:14", "RSI 14"),
    "macd": ("macd:12:26:9", "MACD 12, 26, 9"),
}
DEFAULT_OVERLAYS = ("sma", "ema")
# A chart holds at most this many pages of the API's largest page (5,000 candles each).
MAX_PAGES = 4
PAGE_LIMIT = 5000
UP, DOWN = "#26a69a", "#ef5350"
LINE_COLORS = {"sma:20": "#1e88e5", "ema:50": "#fb8c00"}
DATA_PAGE = "/data"
BACKFILL_POLL_SECONDS = 1.0  # while a backfill started here is queued or running


async def build(ctx: DashboardContext, chrome: Chrome) -> None:
    query = ui.context.client.request.query_params
    view = ChartView(ctx, query.get("symbol", ""), query.get("interval", "1d"))
    refresh.Poller("charts", view.refresh, view.show_problem, refresh.PAGE_REFRESH_SECONDS)


PAGE = PageSpec(
    path="/charts", title="Charts", group="Core", icon="candlestick_chart", order=4, build=build
)


class ChartView:
    def __init__(self, ctx: DashboardContext, symbol: str, interval: str) -> None:
        self.ctx = ctx
        self.asked = 0
        self.shown: tuple[str, ...] | None = None  # the request now on screen
        with ui.card().classes("w-full q-pa-md").mark("chart-controls"):
            with ui.row().classes("w-full items-end gap-4"):
                self.symbol = (
                    ui.input("Symbol", value=symbol, placeholder="RELIANCE, NIFTY 50, NSE_EQ|...")
                    .props("outlined dense clearable")
                    .classes("w-64")
                    .mark("chart-symbol")
                    .on("keydown.enter", self.show)
                )
                self.interval = (
                    ui.select(CANDLE_INTERVALS, label="Interval", on_change=self.show,
                              value=interval if interval in CANDLE_INTERVALS else "1d")
                    .props("outlined dense").classes("w-36").mark("chart-interval")
                )  # fmt: skip
                self.start = ui.input("From").props("outlined dense type=date").classes("w-40")
                self.start.mark("chart-from")
                self.end = ui.input("To").props("outlined dense type=date").classes("w-40")
                self.end.mark("chart-to")
                ui.button("Show", icon="show_chart", on_click=self.show).mark("chart-show")
            with ui.row().classes("items-center gap-4"):
                self.overlays = {
                    name: ui.checkbox(
                        label, value=name in DEFAULT_OVERLAYS, on_change=self.show
                    ).mark(f"overlay-{name}")
                    for name, (_, label) in OVERLAYS.items()
                }
        self.status = ui.label("").classes("text-sm text-grey-8").mark("chart-status")
        self.problem = ui.label("").classes("text-sm text-negative").mark("chart-problem")
        self.empty = ui.column().classes("w-full").mark("chart-empty")
        # The backfill offer and its progress: apart from ``empty``, which each redraw clears.
        self.backfill = ui.column().classes("w-full gap-2").mark("chart-backfill")
        self.offered: tuple[str, ...] | None = None  # the request the offer is for
        self.task_id: int | None = None  # the backfill started here, while it runs
        self.bar: ui.linear_progress | None = None
        self.bar_words: ui.label | None = None
        self.follow = ui.timer(BACKFILL_POLL_SECONDS, self.follow_backfill, active=False)
        self.chart = ui.echart(empty_options()).classes("w-full").style("height: 720px")
        self.chart.mark("chart")
        self.chart.set_visibility(False)
        if not symbol:
            self.status.set_text("Type a symbol (RELIANCE, NIFTY 50, an instrument key) to chart.")

    def request(self) -> tuple[str, ...]:
        chosen = [OVERLAYS[name][0] for name, box in self.overlays.items() if box.value]
        return (
            (self.symbol.value or "").strip(),
            str(self.interval.value),
            self.start.value or "",
            self.end.value or "",
            ",".join(chosen),
        )

    async def refresh(self) -> None:
        """The timer's call: draw the first chart, then redraw only while the range is live
        (it ends today or is open-ended), so a chart of last year is not re-read."""
        wanted = self.request()
        if not wanted[0]:
            return
        today = datetime.now(IST).date().isoformat()
        if self.shown == wanted and wanted[3] not in ("", today):
            return
        await self.load(wanted, quiet=self.shown == wanted)

    async def show(self) -> None:
        wanted = self.request()
        if not wanted[0]:
            self.status.set_text("Type a symbol to chart.")
            return
        try:
            await self.load(wanted, quiet=False)
        except ApiProblem as problem:
            self.show_problem(problem)

    async def load(self, wanted: tuple[str, ...], quiet: bool) -> None:
        symbol, interval, start, end, indicators = wanted
        self.asked += 1
        asked = self.asked
        if not quiet:
            self.status.set_text(f"Loading {symbol} {interval} candles…")
        series = await self.ctx.api.candles(
            symbol, interval, start or None, end or None, indicators or None, limit=PAGE_LIMIT
        )
        pages = 1
        while series.next_cursor and pages < MAX_PAGES:
            more = await self.ctx.api.candles(
                symbol, interval, start or None, end or None, indicators or None,
                cursor=series.next_cursor, limit=PAGE_LIMIT,
            )  # fmt: skip
            series = joined(series, more)
            pages += 1
        if asked != self.asked:
            return  # a newer request was sent meanwhile
        self.problem.set_text("")
        self.shown = wanted
        self.draw(series)
        if self.task_id is not None:
            return  # the running backfill's progress stays on screen
        if series.candles:
            if self.offered is not None:
                self.backfill.clear()
                self.offered = None
        elif self.offered != wanted[:4]:
            await self.offer_backfill(wanted)

    async def offer_backfill(self, wanted: tuple[str, ...], preface: str = "") -> None:
        """A button that backfills what this chart needs; its words are the API's plan."""
        symbol, interval, start, end, _ = wanted
        plan = await self.ctx.api.chart_backfill_plan(interval, start or None, end or None)
        self.offered = wanted[:4]
        self.backfill.clear()
        with self.backfill:
            if preface:
                ui.label(preface).classes("text-body2 text-negative").mark("chart-backfill-failed")
            with ui.row().classes("items-center gap-3"):
                ui.button(
                    f"Backfill {plan.words}",
                    icon="download",
                    on_click=lambda: self.start_backfill(wanted),
                ).mark("chart-backfill-start")
                ui.label(
                    f"Fetches {CANDLE_INTERVALS[plan.interval].lower()} candles of {symbol} from "
                    f"{plan.from_date:%d %b %Y} to {plan.to_date:%d %b %Y} from Upstox; the "
                    "chart is drawn when they are stored."
                ).classes("text-sm text-grey-8")

    async def start_backfill(self, wanted: tuple[str, ...]) -> None:
        symbol, interval, start, end, _ = wanted
        try:
            task = await self.ctx.api.start_chart_backfill(
                symbol, interval, start or None, end or None
            )
        except ApiProblem as problem:
            await self.offer_backfill(wanted, f"Backfill not started: {problem.message}")
            return
        self.task_id = task.task_id
        self.backfill.clear()
        with self.backfill:
            ui.label(
                f"Backfill #{task.task_id}: {task.trading_symbol} "
                f"{CANDLE_INTERVALS[task.interval].lower()} candles, {task.from_date:%d %b %Y} to "
                f"{task.to_date:%d %b %Y}" + (f". {task.note}" if task.note else "")
            ).classes("text-body2")
            with ui.row().classes("items-center gap-3 no-wrap"):
                self.bar = ui.linear_progress(value=0, show_value=False, size="14px")
                self.bar.props("rounded track-color=grey-3").classes("w-96")
                self.bar.mark("chart-backfill-progress")
                self.bar_words = ui.label("").classes("text-sm").mark("chart-backfill-state")
        self.show_task(task)
        self.follow.active = True

    async def follow_backfill(self) -> None:
        """The 1 s timer's call while a backfill runs: move the bar; chart it when done."""
        if self.task_id is None:
            self.follow.active = False
            return
        try:
            task = await self.ctx.api.backfill_task(self.task_id)
        except ApiProblem as problem:
            if self.bar_words is not None:
                self.bar_words.set_text(
                    f"Could not read the backfill's progress: {problem.message}"
                )
            return
        self.show_task(task)
        if task.state in ("queued", "running"):
            return
        self.follow.active = False
        self.task_id = None
        wanted = self.request()
        if task.state == "failed":
            await self.offer_backfill(wanted, f"Backfill #{task.task_id} failed: {task.error}")
            return
        self.offered = ("done",)  # the chart clears this; still empty, a fresh offer replaces it
        try:
            await self.load(wanted, quiet=False)
        except ApiProblem as problem:
            self.show_problem(problem)

    def show_task(self, task: BackfillTask) -> None:
        if self.bar is None or self.bar_words is None:
            return
        self.bar.set_value(task.progress)
        colour = {"failed": "negative", "done": "positive"}.get(task.state, "primary")
        self.bar.props(f"color={colour}")
        if task.state == "queued":
            words = "Waiting for the scheduler to start it…"
        elif task.state == "running":
            words = f"Running: request {task.chunks_done + 1} of {task.chunks_total}"
        elif task.state == "done":
            words = "Done"
        else:
            words = "Failed"
        self.bar_words.set_text(
            f"{words} · {task.progress:.0%} · {task.rows_written:,} candles stored"
        )

    def draw(self, series: CandleSeries) -> None:
        self.empty.clear()
        if not series.candles:
            self.chart.set_visibility(False)
            self.status.set_text(f"{series.trading_symbol} ({series.instrument_key})")
            with self.empty:
                ui.label(f"No candles to show. {series.hint or ''}".strip()).classes(
                    "text-body1"
                ).mark("chart-no-data")
                ui.link("Open Data & Exports to start a backfill", DATA_PAGE).mark(
                    "chart-backfill-link"
                )
            return
        source = (
            f", made from stored {series.source_interval} candles"
            if series.source_interval != series.interval
            else ""
        )
        more = " (more in this range: narrow it to see the rest)" if series.next_cursor else ""
        self.status.set_text(
            f"{series.trading_symbol} ({series.instrument_key}) · "
            f"{CANDLE_INTERVALS[series.interval]}"
            f"{source} · {len(series.candles)} candles{more}"
        )
        self.chart.options.clear()
        self.chart.options.update(chart_options(series))
        self.chart.set_visibility(True)
        self.chart.update()

    def show_problem(self, problem: ApiProblem) -> None:
        self.problem.set_text(f"Could not load the chart: {problem.message}")
        if self.shown is None:
            self.status.set_text("")


def joined(first: CandleSeries, more: CandleSeries) -> CandleSeries:
    """Two consecutive pages as one series (indicator lines joined line by line)."""
    indicators = []
    for mine, theirs in zip(first.indicators, more.indicators):
        lines = {name: values + theirs.lines.get(name, []) for name, values in mine.lines.items()}
        indicators.append(mine.model_copy(update={"lines": lines}))
    return first.model_copy(
        update={
            "candles": first.candles + more.candles,
            "next_cursor": more.next_cursor,
            "indicators": indicators,
        }
    )


def empty_options() -> dict[str, Any]:
    return {
        "animation": False,
        "xAxis": {"type": "category", "data": []},
        "yAxis": {},
        "series": [],
    }


def axis_label(ts: str, interval: str) -> str:
    moment = datetime.fromisoformat(ts).astimezone(IST)
    if interval in ("1d", "1w"):
        return moment.strftime("%d %b %Y")
    if interval == "1M":
        return moment.strftime("%b %Y")
    return moment.strftime("%d %b %H:%M")


def chart_options(series: CandleSeries) -> dict[str, Any]:
    """ECharts options: price (+ overlays), volume, and an RSI and a MACD pane when asked."""
    labels = [axis_label(row[0], series.interval) for row in series.candles]
    lines = {i.name: i for i in series.indicators}
    panes = ["price", "volume"] + [
        k for k in ("rsi", "macd") if any(i.kind == k for i in series.indicators)
    ]
    heights = {"price": 42, "volume": 11, "rsi": 12, "macd": 12}
    heights["price"] += 15 * (4 - len(panes))  # the price pane takes the room of absent panes
    grids: list[dict[str, Any]] = []
    top = 6
    for name in panes:
        grids.append({"left": 70, "right": 30, "top": f"{top}%", "height": f"{heights[name]}%"})
        top += heights[name] + 3
    count = len(panes)
    x_axes = [
        {"type": "category", "data": labels, "gridIndex": n, "boundaryGap": True,
         "axisLabel": {"show": n == count - 1}, "axisTick": {"show": n == count - 1}}
        for n in range(count)
    ]  # fmt: skip
    y_axes: list[dict[str, Any]] = [
        {"scale": True, "gridIndex": n, "splitNumber": 3 if n else 5} for n in range(count)
    ]
    y_axes[1].update({"scale": False, "splitNumber": 2})  # volume bars grow from zero
    candles = [[row[1], row[4], row[3], row[2]] for row in series.candles]  # open close low high
    volumes = [
        {"value": row[5], "itemStyle": {"color": UP if row[4] >= row[1] else DOWN}}
        for row in series.candles
    ]
    plotted: list[dict[str, Any]] = [
        {"name": series.trading_symbol, "type": "candlestick", "data": candles,
         "itemStyle": {"color": UP, "color0": DOWN, "borderColor": UP, "borderColor0": DOWN}},
        {"name": "Volume", "type": "bar", "data": volumes, "xAxisIndex": 1, "yAxisIndex": 1},
    ]  # fmt: skip
    for name, indicator in lines.items():
        if indicator.kind in ("sma", "ema"):
            plotted.append(_line(name.upper(), indicator.lines["value"], 0, LINE_COLORS.get(name)))
        elif indicator.kind == "bb":
            for part in ("upper", "middle", "lower"):
                plotted.append(
                    _line(f"BB {part}", indicator.lines[part], 0, "#8e24aa", dashed=True)
                )
        elif indicator.kind == "rsi":
            rsi_pane = panes.index("rsi")
            plotted.append(_line(name.upper(), indicator.lines["value"], rsi_pane, "#6d4c41"))
            y_axes[rsi_pane].update({"min": 0, "max": 100, "scale": False})
        elif indicator.kind == "macd":
            pane = panes.index("macd")
            histogram = indicator.lines["histogram"]
            plotted.append(_line("MACD", indicator.lines["macd"], pane, "#1e88e5"))
            plotted.append(_line("Signal", indicator.lines["signal"], pane, "#fb8c00"))
            plotted.append({"name": "Histogram", "type": "bar", "data": histogram,
                            "xAxisIndex": pane, "yAxisIndex": pane})  # fmt: skip
    every_axis = list(range(count))
    start = max(0, 100 - 100 * 150 // max(len(labels), 1))  # about the last 150 candles
    return {
        "animation": False,
        "legend": {"top": 0, "type": "scroll"},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "cross"}},
        "axisPointer": {"link": [{"xAxisIndex": "all"}]},
        "grid": grids,
        "xAxis": x_axes,
        "yAxis": y_axes,
        "dataZoom": [
            {"type": "inside", "xAxisIndex": every_axis, "start": start, "end": 100},
            {"type": "slider", "xAxisIndex": every_axis, "start": start, "end": 100,
             "bottom": 4, "height": 18},
        ],  # fmt: skip
        "series": plotted,
    }


def _line(
    name: str, values: list[float | None], pane: int, color: str | None, dashed: bool = False
) -> dict[str, Any]:
    style: dict[str, Any] = {"width": 1.2}
    if dashed:
        style["type"] = "dashed"
    if color:
        style["color"] = color
    return {
        "name": name,
        "type": "line",
        "data": [round(v, 4) if v is not None else None for v in values],
        "xAxisIndex": pane,
        "yAxisIndex": pane,
        "showSymbol": False,
        "lineStyle": style,
        "itemStyle": {"color": color} if color else {},
    }
