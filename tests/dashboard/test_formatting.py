"""Worked examples of how API values are shown to a trader."""

from __future__ import annotations

import pytest

from dashboard_ui.formatting import age, count, ist_time, market_words, size
from dashboard_ui.header import broker_chip_text, market_chip_text, token_words
from dashboard_ui.refresh import next_interval
from scripts.api_schemas.auth import SessionStatus
from scripts.api_schemas.health import BrokerHealth
from scripts.api_schemas.market import MarketStatus


@pytest.mark.parametrize(
    "value, shown",
    [(0, "0"), (999, "999"), (1000, "1,000"), (123456, "1,23,456"), (12345678, "1,23,45,678"),
     (-1500, "-1,500"), (None, "—")],
)  # fmt: skip
def test_counts_use_indian_digit_grouping(value: int | None, shown: str) -> None:
    assert count(value) == shown


def test_utc_times_are_shown_in_ist() -> None:
    assert ist_time("2026-11-25T03:45:00+00:00") == "25 Nov 09:15 IST"
    assert ist_time("2026-11-25T03:45:00") == "25 Nov 09:15 IST"  # naive means UTC
    assert ist_time("2026-11-25T10:00:05+00:00", with_date=False) == "15:30:05 IST"
    assert ist_time(None) == "—"


def test_ages_and_sizes_read_naturally() -> None:
    assert [age(4.2), age(150), age(7200)] == ["4 s ago", "2 min ago", "2.0 h ago"]
    assert [size(512), size(131848), size(5 * 1024**3)] == ["512 bytes", "128.8 KB", "5.0 GB"]


def test_market_states_have_words() -> None:
    assert market_words("pre_open") == ("Pre-open", "warning")
    holiday = MarketStatus(
        exchange="NSE",
        status="holiday",
        reason="Diwali.",
        now="2026-11-08T10:00:00+05:30",
        next_open="2026-11-09T09:15:00+05:30",
    )
    assert market_chip_text(holiday)[0] == "NSE: Holiday"


def _session(state: str, expires_at: str | None = None) -> SessionStatus:
    return SessionStatus(
        mode="sandbox",
        state=state,
        logged_in=state == "active",
        expires_at=expires_at,
        mode_label="SANDBOX",
        client_id_configured=True,
    )


def test_token_state_is_shown_when_the_api_reports_it_else_not_logged_in() -> None:
    assert token_words(BrokerHealth(ok=True, reachable=True)) == "not logged in"
    assert token_words(BrokerHealth(ok=True, token=_session("none"))) == "not logged in"
    expired = BrokerHealth(ok=True, token=_session("expired"))
    assert token_words(expired) == "token expired: log in again"
    active = _session("active", "2026-11-25T22:00:00+00:00")
    assert token_words(BrokerHealth(ok=True, token=active)) == "logged in until 26 Nov 03:30 IST"
    text, colour, _ = broker_chip_text(
        BrokerHealth(ok=True, reachable=True, host="h", token=active)
    )
    assert text == "Upstox: connected · logged in until 26 Nov 03:30 IST" and colour == "positive"
    unreachable = BrokerHealth(ok=False, reachable=False, detail="cannot reach h")
    text, colour, hint = broker_chip_text(unreachable)
    assert (text, colour, hint) == ("Upstox: unreachable · not logged in", "negative",
                                    "cannot reach h")  # fmt: skip


def test_polling_backs_off_while_failing_and_resets_on_success() -> None:
    waits, current = [], 5.0
    for _ in range(5):
        current = next_interval(current, 5.0, failed=True, ceiling=30.0)
        waits.append(current)
    assert waits == [10.0, 20.0, 30.0, 30.0, 30.0]
    assert next_interval(30.0, 5.0, failed=False, ceiling=30.0) == 5.0
