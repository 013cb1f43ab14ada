"""Candle backfill: queue one (the scheduler's worker runs it) and watch its progress; the
chart's one-click backfill (``/chart``) and a series' gap filling (``/gaps``), whose rules
(which series, which range) are the service's."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scripts.api.context import services
from scripts.api.contract import BODY_ERRORS, KEY_ERRORS, Answer, answer, documented
from scripts.api_schemas.candle_backfill import BackfillTask, ChartBackfillPlan, IntervalLabel

blueprint = APIBlueprint(
    "candle_backfill",
    __name__,
    url_prefix="/api/candles/backfill",
    abp_tags=[Tag(name="Candles")],
    abp_security=[{"ApiKey": []}],
)

TEXT = r"^[^\x00-\x1f\x7f]+$"


class BackfillBody(BaseModel):
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    symbol: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=TEXT, description="e.g. RELIANCE"
    )
    instrument_key: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=TEXT, description="NSE_EQ|INE..."
    )
    interval: IntervalLabel
    # Plain text here: the service says which date is malformed and what form it wants.
    from_date: str = Field(alias="from", max_length=32, description="YYYY-MM-DD, IST")
    to_date: str = Field(alias="to", max_length=32, description="YYYY-MM-DD, IST")

    @model_validator(mode="after")
    def _one_instrument(self) -> "BackfillBody":
        if (self.symbol is None) == (self.instrument_key is None):
            raise ValueError("give either 'symbol' or 'instrument_key' (one of them)")
        return self


class ChartQuery(BaseModel):
    interval: IntervalLabel = Field(description="The chart's interval")
    from_: str | None = Field(default=None, alias="from", max_length=32, description="YYYY-MM-DD")
    to: str | None = Field(default=None, max_length=32, description="YYYY-MM-DD; default today")


class ChartBody(BaseModel):
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    symbol: str = Field(min_length=1, max_length=64, pattern=TEXT, description="e.g. RELIANCE")
    interval: IntervalLabel = Field(description="The chart's interval")
    from_date: str | None = Field(default=None, alias="from", max_length=32)
    to_date: str | None = Field(default=None, alias="to", max_length=32)


class SeriesBody(BaseModel):
    symbol: str = Field(
        min_length=1, max_length=64, pattern=TEXT, description="Symbol or instrument key"
    )
    interval: IntervalLabel


class TaskPath(BaseModel):
    task_id: int = Field(ge=1, le=2**31 - 1)  # the id column is a 32-bit integer


class RecentQuery(BaseModel):
    limit: int = Field(default=20, ge=1, le=200)


@blueprint.post(
    "",
    responses=documented(BackfillTask, *KEY_ERRORS, *BODY_ERRORS, 404, 409, status=202),
)
def start(body: BackfillBody) -> Answer:
    """Queue a backfill of one instrument's candles; answers at once (202) with the task,
    which the scheduler runs in the background. Poll GET /api/candles/backfill/<task_id>."""
    instrument = body.symbol or body.instrument_key or ""
    task = services().candle_backfill.request(
        instrument, body.interval, body.from_date, body.to_date
    )
    return answer(BackfillTask, task, status=202)


@blueprint.get("", responses=documented(list[BackfillTask], *KEY_ERRORS, 422))
def recent(query: RecentQuery) -> Answer:
    """Recent backfills, newest first."""
    return answer(list[BackfillTask], services().candle_backfill.recent(query.limit))


@blueprint.get("/<int:task_id>", responses=documented(BackfillTask, *KEY_ERRORS, 404, 422))
def task(path: TaskPath) -> Answer:
    """One backfill's state and progress."""
    return answer(BackfillTask, services().candle_backfill.task(path.task_id))


@blueprint.get("/chart", responses=documented(ChartBackfillPlan, *KEY_ERRORS, 422))
def chart_plan(query: ChartQuery) -> Answer:
    """What POST /chart would fetch for a chart at this interval (and range)."""
    plan = services().candle_backfill.chart_plan(query.interval, query.from_, query.to)
    return answer(
        ChartBackfillPlan,
        {
            "chart_interval": query.interval,
            "interval": plan.interval,
            "from": plan.start,
            "to": plan.end,
            "words": plan.words,
        },
    )


@blueprint.post(
    "/chart",
    responses=documented(BackfillTask, *KEY_ERRORS, *BODY_ERRORS, 404, 409, status=202),
)
def chart(body: ChartBody) -> Answer:
    """Queue the backfill a chart needs: the 1m series for an intraday chart, 1d for daily
    and coarser, over the given range or a month (intraday) / a year (daily) to today."""
    task = services().candle_backfill.request_for_chart(
        body.symbol, body.interval, body.from_date, body.to_date
    )
    return answer(BackfillTask, task, status=202)


@blueprint.post(
    "/gaps",
    responses=documented(list[BackfillTask], *KEY_ERRORS, *BODY_ERRORS, 404, 409, status=202),
)
def gaps(body: SeriesBody) -> Answer:
    """Queue exactly what a stored series lacks (its gaps, and up to today); an empty list
    when nothing is missing. GET /api/candles/coverage shows the gaps."""
    tasks = services().candle_backfill.fill_gaps(body.symbol, body.interval)
    return answer(list[BackfillTask], tasks, status=202)
