"""GET /api/market/status and /api/market/calendar through the real app."""

from __future__ import annotations

import pytest

STATES = {"open", "pre_open", "closing", "special_session", "closed", "holiday", "weekend"}


@pytest.mark.parametrize("exchange", ["NSE", "BSE", "MCX"])
def test_status_answers_for_each_exchange_from_the_calendar(client, exchange) -> None:
    response = client.get(f"/api/market/status?exchange={exchange}")
    data = response.get_json()["data"]
    assert response.status_code == 200
    assert data["exchange"] == exchange and data["status"] in STATES | {"unknown"}


def test_status_without_exchange_is_nse_as_the_header_asks(client) -> None:
    assert client.get("/api/market/status").get_json()["data"]["exchange"] == "NSE"


def test_status_rejects_an_unknown_exchange_naming_the_field(client) -> None:
    bad = client.get("/api/market/status?exchange=XYZ")
    body = bad.get_json()
    assert bad.status_code == 422 and body["status"] == "error"
    assert body["error"]["field"] == "exchange" and body["trace_id"]


def test_calendar_lists_2026_holidays_sessions_and_coverage(client) -> None:
    response = client.get("/api/market/calendar?year=2026&exchange=NSE")
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["covered_until"] == "2026-12-31"
    assert {"date": "2026-01-26", "weekday": "Monday", "description": "Republic Day",
            "closed": "all_day", "source": "bundled"} in data["holidays"]  # fmt: skip
    assert data["regular_sessions"][1] == {
        "kind": "normal", "start": "09:15", "end": "15:30", "note": "continuous trading"
    }  # fmt: skip
    assert data["special_sessions"] == []


def test_calendar_for_mcx_2025_lists_the_evening_only_days(client) -> None:
    data = client.get("/api/market/calendar?year=2025&exchange=MCX").get_json()["data"]
    holi = next(s for s in data["special_sessions"] if s["date"] == "2025-03-14")
    assert (holi["open"], holi["close"]) == ("17:00", "23:55")


def test_calendar_past_its_data_is_a_404_that_says_to_update_it(client) -> None:
    response = client.get("/api/market/calendar?year=2030")
    body = response.get_json()
    assert response.status_code == 404 and body["status"] == "error"
    assert body["error"]["code"] == "calendar_not_covered"
    assert "Update the calendar data" in body["error"]["message"]
    assert body["error"]["field"] == "year"


@pytest.mark.parametrize(
    ("query", "field"),
    [("year=abc", "year"), ("year=99999", "year"), ("exchange=nse", "exchange")],
)
def test_calendar_rejects_bad_input_with_a_422_naming_the_field(client, query, field) -> None:
    response = client.get(f"/api/market/calendar?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
