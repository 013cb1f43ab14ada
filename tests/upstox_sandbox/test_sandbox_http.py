"""Wire format: OAuth, envelopes and errors, candles agreeing with quotes, rate limits, faults."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import datetime

import httpx
import pytest
from tests.upstox_sandbox.conftest import MARKET_TIME, REDIRECT, RELIANCE, control

from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET


def _code(client: httpx.Client) -> str:
    resp = client.get(
        "/v2/login/authorization/dialog",
        params={"client_id": DEMO_CLIENT_ID, "redirect_uri": REDIRECT},
    )
    return resp.headers["location"].split("code=")[1]


def test_token_is_jwt_expiring_0330_ist_and_code_is_single_use(running_sandbox, api):
    with httpx.Client(base_url=running_sandbox.base_url, follow_redirects=False) as client:
        code = _code(client)
        form = {
            "code": code,
            "client_id": DEMO_CLIENT_ID,
            "client_secret": "wrong",
            "redirect_uri": REDIRECT,
            "grant_type": "authorization_code",
        }
        assert (
            client.post("/v2/login/authorization/token", data=form).json()["errors"][0][
                "error_code"
            ]
            == "UDAPI100016"
        )
        form["client_secret"] = DEMO_CLIENT_SECRET
        assert (
            client.post("/v2/login/authorization/token", data=form).status_code == 401
        )  # code already spent
        form["code"] = _code(client)
        body = client.post("/v2/login/authorization/token", data=form).json()
        assert "status" not in body and body["user_id"] and body["broker"] == "UPSTOX"
        claims = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[1] + "=="))
        assert claims["iss"] == "udapi-gateway-service"
        assert datetime.fromtimestamp(claims["exp"], IST).isoformat() == "2026-03-11T03:30:00+05:30"
        missing = client.post("/v2/login/authorization/token", data={"code": "x"})
        assert missing.json()["errors"][0]["error_code"] == "UDAPI1017"
        bad_redirect = client.get(
            "/v2/login/authorization/dialog",
            params={"client_id": DEMO_CLIENT_ID, "redirect_uri": "https://evil.example/cb"},
        )
        assert bad_redirect.status_code == 400
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        assert client.delete("/v2/logout", headers=headers).json() == {
            "status": "success",
            "data": True,
        }
        assert client.get("/v2/user/profile", headers=headers).status_code == 401


def test_errors_carry_snake_and_camel_keys_and_unknown_paths_404(api):
    body = api.get("/v2/nothing-here").json()
    assert api.get("/v2/nothing-here").status_code == 404
    err = body["errors"][0]
    assert err["error_code"] == err["errorCode"] == "UDAPI100060"
    assert {"property_path", "propertyPath", "invalid_value", "invalidValue", "message"} <= set(err)
    assert api.post("/v2/user/profile").status_code == 405


def test_quote_maps_keyed_by_symbol_with_instrument_token_inside_and_key_cap(api):
    data = api.get(
        "/v2/market-quote/quotes", params={"instrument_key": f"{RELIANCE},NSE_INDEX|Nifty 50"}
    ).json()["data"]
    assert set(data) == {"NSE_EQ:RELIANCE", "NSE_INDEX:Nifty 50"}
    assert data["NSE_EQ:RELIANCE"]["instrument_token"] == RELIANCE
    assert data["NSE_EQ:RELIANCE"]["last_trade_time"].isdigit()
    greeks = api.get(
        "/v3/market-quote/option-greek", params={"instrument_key": ",".join([RELIANCE] * 51)}
    )
    assert greeks.status_code == 400 and greeks.json()["errors"][0]["error_code"] == "UDAPI100043"


def test_candles_agree_with_the_snapshot_and_each_other(api):
    ltp = api.get("/v3/market-quote/ltp", params={"instrument_key": RELIANCE}).json()["data"][
        "NSE_EQ:RELIANCE"
    ]["last_price"]
    minutes = api.get(f"/v3/historical-candle/intraday/{RELIANCE}/minutes/1").json()["data"][
        "candles"
    ]
    assert minutes[0][4] == ltp  # newest first; the forming bar closes at the LTP
    assert (
        minutes[0][0] == "2026-03-10T10:30:00+05:30"
        and minutes[-1][0] == "2026-03-10T09:15:00+05:30"
    )
    day = api.get(f"/v3/historical-candle/intraday/{RELIANCE}/days/1").json()["data"]["candles"][0]
    assert day[1] == minutes[-1][1] and day[4] == ltp
    assert day[2] == max(c[2] for c in minutes) and day[3] == min(c[3] for c in minutes)
    assert day[5] == sum(c[5] for c in minutes) and day[6] == 0
    past = api.get(f"/v3/historical-candle/{RELIANCE}/minutes/30/2026-03-09/2026-03-09").json()[
        "data"
    ]["candles"]
    daily = api.get(f"/v3/historical-candle/{RELIANCE}/days/1/2026-03-09/2026-03-09").json()[
        "data"
    ]["candles"][0]
    assert daily[4] == past[0][4] and daily[1] == past[-1][1] and len(past) == 13
    v2 = api.get(f"/v2/historical-candle/{RELIANCE}/day/2026-03-09/2026-03-09").json()["data"][
        "candles"
    ][0]
    assert v2 == daily


@pytest.mark.parametrize(
    "path, code",
    [
        (f"/v3/historical-candle/{RELIANCE}/seconds/1/2026-03-09", "UDAPI1146"),
        (f"/v3/historical-candle/{RELIANCE}/hours/9/2026-03-09", "UDAPI1147"),
        (f"/v3/historical-candle/{RELIANCE}/minutes/1/2026-03-09/2025-12-01", "UDAPI1148"),
        (f"/v3/historical-candle/{RELIANCE}/days/1/2026-03-01/2026-03-09", "UDAPI1015"),
    ],
)
def test_candle_limits_return_documented_codes(api, path, code):
    resp = api.get(path)
    assert resp.status_code == 400 and resp.json()["errors"][0]["error_code"] == code


def test_same_seed_gives_same_prices(api, running_sandbox):
    from scripts.upstox_sandbox.config import ClockSpec, SandboxConfig
    from scripts.upstox_sandbox.simulation import Simulation

    twin = Simulation(
        SandboxConfig(port=0, seed=42, clock=ClockSpec.parse(f"frozen:{MARKET_TIME}"))
    )
    other = Simulation(
        SandboxConfig(port=0, seed=7, clock=ClockSpec.parse(f"frozen:{MARKET_TIME}"))
    )
    ltp = api.get("/v3/market-quote/ltp", params={"instrument_key": RELIANCE}).json()["data"][
        "NSE_EQ:RELIANCE"
    ]["last_price"]
    assert twin.market_snapshot(RELIANCE).ltp == ltp
    assert other.market_snapshot(RELIANCE).ltp != ltp


def test_order_rate_limit_returns_429_udapi10005(api):
    control(api, "rate-limits", {"enabled": True})
    statuses = [api.put("/v2/order/modify", json={}).status_code for _ in range(12)]
    assert statuses.count(429) >= 1 and statuses[0] != 429
    assert api.put("/v2/order/modify", json={}).json()["errors"][0]["error_code"] == "UDAPI10005"


def test_faults_are_consumed_in_order(api):
    control(
        api,
        "faults",
        {"path_prefix": "/v2/market-quote", "kind": "http_503", "count": 1, "retry_after": 2},
    )
    control(
        api, "faults", {"path_prefix": "/v2/market-quote", "kind": "drop_connection", "count": 1}
    )
    first = api.get("/v2/market-quote/ltp", params={"instrument_key": RELIANCE})
    assert first.status_code == 503 and first.headers["Retry-After"] == "2"
    with pytest.raises(httpx.TransportError):
        api.get("/v2/market-quote/ltp", params={"instrument_key": RELIANCE})
    assert api.get("/v2/market-quote/ltp", params={"instrument_key": RELIANCE}).status_code == 200


def test_health_and_bod_file(api):
    health = api.get("/sandbox/health").json()["data"]
    assert health["market_open"] is True and health["seed"] == 42
    raw = api.get("/market-quote/instruments/exchange/complete.json.gz")
    records = json.loads(raw.content if raw.content[:1] == b"[" else gzip.decompress(raw.content))
    keys = {r["instrument_key"] for r in records}
    assert RELIANCE in keys and "NSE_INDEX|Nifty 50" in keys
    assert any(
        r["trading_symbol"].startswith("NIFTY ") and r["instrument_type"] == "CE" for r in records
    )


def test_a_declined_dialog_redirects_with_access_denied_once(running_sandbox) -> None:
    from urllib.parse import parse_qs, urlsplit

    def dialog() -> dict[str, list[str]]:
        answer = httpx.get(
            f"{running_sandbox.base_url}/v2/login/authorization/dialog",
            params={"client_id": DEMO_CLIENT_ID, "redirect_uri": REDIRECT, "state": "s9"},
            follow_redirects=False,
        )
        assert answer.status_code == 302
        return parse_qs(urlsplit(answer.headers["location"]).query)

    armed = httpx.post(
        f"{running_sandbox.base_url}/sandbox/control/login-dialog", json={"decline": 1}
    )
    assert armed.json() == {"status": "success", "data": {"declines_pending": 1}}
    declined = dialog()
    assert declined["error"] == ["access_denied"] and declined["state"] == ["s9"]
    assert "code" not in declined and declined["error_description"]
    assert "code" in dialog()  # only the armed dialog is declined
