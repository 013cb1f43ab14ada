"""A dashboard configured with the wrong API key says so in the API's own words."""

from __future__ import annotations

import pytest
from nicegui.testing.user import User

from tests.dashboard.test_dashboard_page import banner_visible, should_show, wait_until
from tests.dashboard.test_login import log_in


@pytest.fixture
def dashboard_env(dashboard_env: dict[str, str]) -> dict[str, str]:
    return {**dashboard_env, "API_KEY": "a-key-the-api-does-not-know-" + "x" * 20}


async def test_wrong_api_key_is_explained_in_the_api_own_words(user: User) -> None:
    await log_in(user)
    await user.should_see(marker="page-title", retries=50)
    await wait_until(lambda: banner_visible(user))
    await user.should_see("Missing or wrong API key", retries=50)
    await should_show(user, "panel-database", "Could not load: Missing or wrong API key")
