"""The login gate and redirect rules, without a browser: lockout timing and open-redirect safety."""

from __future__ import annotations

import pytest

from dashboard_ui.login_guard import (
    LOCKOUT_SECONDS,
    MAX_FAILURES,
    LoginGate,
    is_logged_in,
    is_public,
    login_url,
    safe_redirect_target,
)
from scripts.config.settings import Settings
from tests.conftest import TEST_PASSWORD


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_lockout_ends_after_thirty_seconds_and_the_right_password_then_works(
    settings: Settings,
) -> None:
    clock, session = FakeClock(), {}
    gate = LoginGate(settings, clock)
    for _ in range(MAX_FAILURES):
        assert not (await gate.log_in(session, "admin", "wrong")).ok
    assert gate.seconds_locked(session) == LOCKOUT_SECONDS == 30
    refused = await gate.log_in(session, "admin", TEST_PASSWORD)
    assert not refused.ok and "try again in 30 seconds" in refused.message
    clock.now += 29.5
    assert gate.seconds_locked(session) == 1
    clock.now += 0.5
    assert (await gate.log_in(session, "admin", TEST_PASSWORD)).ok
    assert is_logged_in(session)


async def test_wrong_user_name_with_right_password_is_refused(settings: Settings) -> None:
    session: dict = {}
    result = await LoginGate(settings).log_in(session, "root", TEST_PASSWORD)
    assert not result.ok and "Wrong user name or password" in result.message
    assert not is_logged_in(session)


async def test_empty_fields_do_not_count_as_a_failure(settings: Settings) -> None:
    session: dict = {}
    result = await LoginGate(settings).log_in(session, "admin", "")
    assert result.message == "Enter the user name and the password."
    assert "login_failures" not in session


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/", "/"),
        ("/orders?status=open", "/orders?status=open"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/login?redirect_to=/x", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_redirect_after_login_stays_on_this_site(target: str | None, expected: str) -> None:
    assert safe_redirect_target(target) == expected


def test_only_login_healthz_and_nicegui_assets_are_public() -> None:
    assert is_public("/login") and is_public("/healthz") and is_public("/_nicegui/3.0/static/x")
    assert not is_public("/") and not is_public("/loginx") and not is_public("/system/jobs")
    assert login_url("/a b") == "/login?redirect_to=/a%20b"
