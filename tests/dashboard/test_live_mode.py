"""LIVE mode must look different from SANDBOX before anyone even logs in."""

from __future__ import annotations

import pytest
from nicegui.testing.user import User

from tests.dashboard.test_dashboard_page import panel_text


@pytest.fixture
def dashboard_env(dashboard_env: dict[str, str]) -> dict[str, str]:
    live_app = {"UPSTOX_CLIENT_ID": "my-upstox-app", "UPSTOX_CLIENT_SECRET": "my-app-secret"}
    return {**dashboard_env, "UPSTOX_MODE": "live", **live_app}


async def test_live_mode_badge_is_red_and_says_real_money(user: User) -> None:
    await user.open("/")
    await user.should_see(marker="login-card")
    assert panel_text(user, "mode-badge").startswith("LIVE · real money")
    (badge,) = user.find(marker="mode-badge").elements
    assert badge.props["color"] == "negative"
