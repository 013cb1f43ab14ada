"""The Charts page's ECharts layout from an API answer: panes, candle order, linked zoom, and
two pages joined into one series."""

from __future__ import annotations

from dashboard_ui.pages.charts import chart_options, joined
from scripts.api_schemas.candles import CandleSeries, IndicatorSeries


def series(candles: list, cursor: str | None = None, rsi: list | None = None) -> CandleSeries:
    indicators = []
    if rsi is not None:
        indicators.append(IndicatorSeries(name="rsi:14", kind="rsi", lines={"value": rsi}))
    return CandleSeries(
        instrument_key="NSE_EQ|INE002A01018",
        trading_symbol="RELIANCE",
        interval="1d",
        source_interval="1d",
        range_from="2025-01-01T00:00:00+05:30",
        range_to="2025-01-31T23:59:59+05:30",
        candles=candles,
        next_cursor=cursor,
        indicators=indicators,
    )


ROWS = [
    ("2025-01-01T00:00:00+05:30", 10.0, 12.0, 9.0, 11.0, 100, 0),
    ("2025-01-02T00:00:00+05:30", 11.0, 11.5, 8.0, 9.0, 200, 0),
]


def test_candles_are_open_close_low_high_with_volume_coloured_by_direction() -> None:
    options = chart_options(series(ROWS))
    candle, volume = options["series"][0], options["series"][1]
    assert candle["type"] == "candlestick" and candle["data"][0] == [10.0, 11.0, 9.0, 12.0]
    assert [v["value"] for v in volume["data"]] == [100, 200]
    assert volume["data"][0]["itemStyle"]["color"] != volume["data"][1]["itemStyle"]["color"]
    assert options["xAxis"][0]["data"] == ["01 Jan 2025", "02 Jan 2025"]
    assert len(options["grid"]) == 2


def test_an_rsi_pane_is_added_and_every_pane_zooms_together() -> None:
    options = chart_options(series(ROWS, rsi=[None, 55.0]))
    assert len(options["grid"]) == 3 and options["yAxis"][2]["max"] == 100
    assert all(zoom["xAxisIndex"] == [0, 1, 2] for zoom in options["dataZoom"])
    assert options["series"][-1]["data"] == [None, 55.0]


def test_two_pages_join_candles_and_indicator_lines() -> None:
    both = joined(series(ROWS[:1], "1735756200", [None]), series(ROWS[1:], None, [55.0]))
    assert [row[0] for row in both.candles] == [ROWS[0][0], ROWS[1][0]]
    assert both.next_cursor is None and both.indicators[0].lines["value"] == [None, 55.0]
