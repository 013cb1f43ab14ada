"""The Upstox session through the API, against the real built-in sandbox: OAuth login,
encrypted token, profile and funds, logout, and a 401 that expires the session everywhere."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from scripts.db.schema import broker_tokens
from scripts.services.broker import BrokerService
from tests.sandbox_session import dialog_redirect, log_in

IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def api(sandbox_api):
    return sandbox_api


def test_no_session_at_first(api) -> None:
    state = api.get("/api/auth/status").get_json()["data"]
    assert (state["state"], state["logged_in"], state["mode_label"]) == ("none", False, "SANDBOX")
    refused = api.get("/api/account/profile")
    assert refused.status_code == 409
    assert "./authenticate.sh" in refused.get_json()["error"]["message"]


def test_oauth_login_stores_an_encrypted_token_valid_until_0330_ist(
    api, database, sandbox_settings, caplog
) -> None:
    with caplog.at_level(logging.DEBUG):
        session = log_in(api)
    assert session["logged_in"] and session["user_id"]
    expires = datetime.fromisoformat(session["expires_at"]).astimezone(IST)
    assert (expires.hour, expires.minute) == (3, 30)
    assert timedelta(0) < expires - datetime.now(IST) <= timedelta(hours=24)
    token = BrokerService(sandbox_settings, database).vault.access_token()
    assert token and len(token) > 20
    with database.read() as connection:
        stored = connection.execute(select(broker_tokens.c.access_token_encrypted)).scalar_one()
    assert token not in stored
    assert token not in caplog.text
    assert token not in api.get("/api/auth/status").get_data(as_text=True)
    assert token not in api.get("/api/health").get_data(as_text=True)


def test_profile_and_funds_come_from_the_sandbox(api) -> None:
    session = log_in(api)
    profile = api.get("/api/account/profile").get_json()["data"]
    assert profile["user_id"] == session["user_id"] and profile["broker"] == "UPSTOX"
    assert "NSE" in profile["exchanges"]
    funds = api.get("/api/account/funds").get_json()["data"]
    assert float(funds["equity"]["available_margin"]) > 0
    only_equity = api.get("/api/account/funds?segment=SEC").get_json()["data"]
    assert only_equity["commodity"] is None
    bad = api.get("/api/account/funds?segment=XYZ")
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "segment"


def test_margins_summarise_each_segment(api) -> None:
    log_in(api)
    data = api.get("/api/account/margins").get_json()["data"]
    segments = {s["segment"]: s for s in data["segments"]}
    equity = segments["equity"]
    assert float(equity["available"]) > 0 and equity["collateral"] == "0.0"
    assert equity["details"]["available_margin"] == equity["available"]
    assert segments["commodity"]["collateral"] is None


def test_unknown_or_reused_state_is_refused(api) -> None:
    begin = api.post("/api/auth/login", json={}).get_json()["data"]
    path, query = dialog_redirect(begin["login_url"])
    forged = api.get(path, query_string={**query, "state": "forged"})
    assert forged.status_code == 422 and forged.get_json()["error"]["field"] == "state"
    assert api.get(path, query_string=query).status_code == 200
    replay = api.get(path, query_string=query)
    assert replay.status_code == 422


def test_callback_can_return_to_the_dashboard(api, sandbox_settings) -> None:
    begin = api.post("/api/auth/login", json={"return_to": "dashboard"}).get_json()["data"]
    path, query = dialog_redirect(begin["login_url"])
    response = api.get(path, query_string=query)
    assert response.status_code == 302
    assert response.location.endswith(f":{sandbox_settings.dashboard_port}/profile?login=ok")


def test_logout_ends_the_session(api) -> None:
    log_in(api)
    result = api.post("/api/auth/logout").get_json()["data"]
    assert result["detail"] == "logged out at Upstox"
    assert api.get("/api/auth/status").get_json()["data"]["state"] == "revoked"
    assert api.get("/api/account/profile").status_code == 409


def test_a_401_from_upstox_expires_the_session_for_every_process(
    api, database, sandbox_settings
) -> None:
    BrokerService(sandbox_settings, database).vault.store(
        "not-a-token-the-sandbox-issued", "SBX001", "Demo", "demo@example.com"
    )
    refused = api.get("/api/account/profile")
    assert refused.status_code == 409
    assert "no longer valid" in refused.get_json()["error"]["message"]
    other_process = BrokerService(sandbox_settings, database)
    state = other_process.vault.state()
    assert state.state == "expired" and "UDAPI100050" in (state.reason or "")
    assert other_process.vault.access_token() is None


def test_health_shows_token_state(api) -> None:
    log_in(api)
    broker = api.get("/api/health").get_json()["data"]["broker"]
    assert broker["reachable"] is True and broker["token"]["state"] == "active"


def decline_next_dialog(sandbox_settings) -> None:
    import httpx

    armed = httpx.post(
        f"{sandbox_settings.sandbox_url}/sandbox/control/login-dialog", json={"decline": 1}
    )
    assert armed.json()["data"] == {"declines_pending": 1}


def test_login_declined_at_upstox_goes_back_to_the_dashboard_and_spends_the_link(
    api, sandbox_settings
) -> None:
    decline_next_dialog(sandbox_settings)
    begin = api.post("/api/auth/login", json={"return_to": "dashboard"}).get_json()["data"]
    path, query = dialog_redirect(begin["login_url"])
    assert query["error"] == "access_denied" and "code" not in query
    response = api.get(path, query_string=query, headers={"X-API-Key": ""})
    assert response.status_code == 302
    assert response.location.endswith(f":{sandbox_settings.dashboard_port}/profile?login=cancelled")
    reused = api.get(path, query_string={"code": "any", "state": query["state"]})
    assert reused.status_code == 422 and reused.get_json()["error"]["field"] == "state"
    assert api.get("/api/auth/status").get_json()["data"]["state"] == "none"


def test_login_declined_at_upstox_from_the_command_line_is_a_clear_400(
    api, sandbox_settings
) -> None:
    decline_next_dialog(sandbox_settings)
    begin = api.post("/api/auth/login", json={}).get_json()["data"]
    path, query = dialog_redirect(begin["login_url"])
    response = api.get(path, query_string=query, headers={"X-API-Key": ""})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "upstox_login_cancelled" and error["field"] == "error"
    assert "cancelled at Upstox" in error["message"] and "./authenticate.sh" in error["message"]
    # The next dialog is answered normally again.
    assert log_in(api)["state"] == "active"
