"""The candle backfill API over the real app: a POST only queues (202, no candle fetched in
the request), tasks are read back by id and newest first, and bad input is a clear 4xx."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest

from scripts.clock import IST
from scripts.db.candles import count_candles
from tests.envelope import error


@pytest.fixture
def loaded_api(sandbox_api):
    """The API with the sandbox's instrument file loaded, as the morning job leaves it."""
    sandbox_api.application.extensions["upstox_platform"].instruments.sync()
    return sandbox_api


def body() -> dict:
    return {"symbol": "RELIANCE", "interval": "1d", "from": "2025-01-01", "to": "2025-03-31"}


def test_post_queues_a_task_and_answers_202_without_fetching(loaded_api) -> None:
    response = loaded_api.post("/api/candles/backfill", json=body())

    assert response.status_code == 202, response.get_json()
    task = response.get_json()["data"]
    assert task["state"] == "queued" and task["progress"] == 0
    assert (task["instrument_key"], task["trading_symbol"]) == ("NSE_EQ|INE002A01018", "RELIANCE")
    assert (task["from"], task["to"], task["interval"]) == ("2025-01-01", "2025-03-31", "1d")
    assert task["chunks_total"] == 1 and task["rows_written"] == 0
    time.sleep(0.3)
    database = loaded_api.application.extensions["upstox_platform"].database
    with database.read() as connection:
        assert count_candles(connection, task["instrument_key"], "1d") == 0
    again = loaded_api.get(f"/api/candles/backfill/{task['task_id']}").get_json()["data"]
    assert again["state"] == "queued"


def test_an_instrument_key_is_accepted_as_well_as_a_symbol(loaded_api) -> None:
    request = {**body(), "instrument_key": "NSE_EQ|INE002A01018"}
    del request["symbol"]
    response = loaded_api.post("/api/candles/backfill", json=request)
    assert response.status_code == 202
    assert response.get_json()["data"]["trading_symbol"] == "RELIANCE"


def test_the_list_is_newest_first_and_limited(loaded_api) -> None:
    ids = [
        loaded_api.post("/api/candles/backfill", json={**body(), "interval": interval}).get_json()[
            "data"
        ]["task_id"]
        for interval in ("1d", "1w", "1M")
    ]
    listed = loaded_api.get("/api/candles/backfill?limit=2").get_json()["data"]
    assert [task["task_id"] for task in listed] == ids[::-1][:2]


def test_a_range_reaching_before_upstox_history_is_clamped_with_a_note(loaded_api) -> None:
    request = {**body(), "interval": "5m", "from": "2021-11-01", "to": "2022-01-31"}
    task = loaded_api.post("/api/candles/backfill", json=request).get_json()["data"]
    assert task["from"] == "2022-01-01" and "2022-01-01" in task["note"]
    assert task["chunks_total"] == 1


def test_an_unknown_symbol_is_404_naming_it(loaded_api) -> None:
    found = error(loaded_api.post("/api/candles/backfill", json={**body(), "symbol": "NOPE"}), 404)
    assert "NOPE" in found["message"]


def test_an_unknown_task_is_404_pointing_at_the_list(loaded_api) -> None:
    found = error(loaded_api.get("/api/candles/backfill/999999"), 404)
    assert "GET /api/candles/backfill" in found["message"]


TOMORROW = (datetime.now(IST).date() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"interval": "2h"}, 422, "interval"),
        ({"from": "2025-13-01"}, 422, "YYYY-MM-DD"),
        ({"from": "1 Jan 2025"}, 422, "from"),
        ({"from": "2025-04-01"}, 422, "after 'to'"),
        ({"to": TOMORROW}, 422, "in the future"),
        ({"interval": "1m", "from": "2019-01-01", "to": "2020-01-01"}, 422, "2022-01-01"),
        ({"symbol": None}, 422, "symbol"),
        ({"instrument_key": "NSE_EQ|INE002A01018"}, 422, "one of them"),
    ],
)
def test_bad_input_is_a_clear_4xx_never_a_5xx(
    loaded_api, changes: dict, status: int, words: str
) -> None:
    request = {k: v for k, v in {**body(), **changes}.items() if v is not None}
    found = error(loaded_api.post("/api/candles/backfill", json=request), status)
    assert words in found["message"] or words == found.get("field"), found


def test_dates_are_ist_calendar_days(loaded_api) -> None:
    today = datetime.now(IST).date()
    task = loaded_api.post(
        "/api/candles/backfill", json={**body(), "from": str(today), "to": str(today)}
    ).get_json()["data"]
    assert date.fromisoformat(task["to"]) == today


def test_a_task_id_beyond_the_id_column_is_422_not_a_server_error(loaded_api) -> None:
    found = error(loaded_api.get("/api/candles/backfill/56491139682000893068181504"), 422)
    assert found["field"] == "task_id"


def test_the_chart_plan_names_the_base_series_and_its_range_in_words(loaded_api) -> None:
    today = datetime.now(IST).date()
    plan = loaded_api.get("/api/candles/backfill/chart?interval=15m").get_json()["data"]
    assert plan == {
        "chart_interval": "15m",
        "interval": "1m",
        "from": (today - timedelta(days=30)).isoformat(),
        "to": today.isoformat(),
        "words": "one month",
    }
    ranged = loaded_api.get("/api/candles/backfill/chart?interval=1w&from=2025-01-01&to=2025-03-31")
    assert ranged.get_json()["data"]["words"] == "01 Jan 2025 to 31 Mar 2025"
    assert error(loaded_api.get("/api/candles/backfill/chart?interval=2h"), 422)


def test_a_chart_backfill_is_queued_for_the_base_series(loaded_api) -> None:
    response = loaded_api.post(
        "/api/candles/backfill/chart", json={"symbol": "RELIANCE", "interval": "1M"}
    )
    assert response.status_code == 202, response.get_json()
    task = response.get_json()["data"]
    assert (task["interval"], task["state"], task["trading_symbol"]) == ("1d", "queued", "RELIANCE")
    missing = loaded_api.post(
        "/api/candles/backfill/chart", json={"symbol": "NOPE", "interval": "1d"}
    )
    assert "NOPE" in error(missing, 404)["message"]
    assert error(loaded_api.post("/api/candles/backfill/chart", json={"interval": "1d"}), 422)


def test_gap_filling_of_an_unstored_series_is_404_saying_to_backfill(loaded_api) -> None:
    response = loaded_api.post(
        "/api/candles/backfill/gaps", json={"symbol": "RELIANCE", "interval": "1d"}
    )
    assert "POST /api/candles/backfill" in error(response, 404)["message"]
    bad = loaded_api.post(
        "/api/candles/backfill/gaps", json={"symbol": "RELIANCE", "interval": "9d"}
    )
    assert error(bad, 422)
