"""Login: every page needs it, the right password opens the dashboard, guessing is throttled."""

from __future__ import annotations

import asyncio

from nicegui.testing.user import User

from tests.conftest import TEST_PASSWORD


async def log_in(user: User, password: str = TEST_PASSWORD, path: str = "/") -> None:
    await user.open(path)
    await user.should_see(marker="login-card")
    user.find(marker="username").type("admin")
    user.find(marker="password").type(password)
    user.find(marker="log-in").click()


async def test_unauthenticated_visit_redirects_to_login_with_target(user: User) -> None:
    response = await user.http_client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/login?redirect_to=/"
    await user.open("/")
    await user.should_see("Log in")
    await user.should_not_see(marker="page-title")


async def test_healthz_answers_without_login(user: User) -> None:
    response = await user.http_client.get("/healthz", follow_redirects=False)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_wrong_password_is_refused_with_a_message(user: User) -> None:
    await log_in(user, password="not the password")
    await user.should_see("Wrong user name or password. 4 more tries", retries=30)
    await user.should_not_see(marker="page-title")
    assert (await user.http_client.get("/", follow_redirects=False)).status_code in (302, 307)


async def test_right_password_lands_on_the_dashboard_and_logout_ends_the_session(
    user: User,
) -> None:
    await log_in(user)
    await user.should_see(marker="page-title", retries=30)
    await user.should_see("Dashboard")
    await user.should_see(marker="current-user", content="admin")
    user.find(marker="logout").click()
    await user.should_see(marker="login-card", retries=30)
    assert (await user.http_client.get("/", follow_redirects=False)).status_code in (302, 307)


async def test_five_wrong_passwords_pause_login_even_for_the_right_one(user: User) -> None:
    await user.open("/login")
    user.find(marker="username").type("admin")
    for left in (4, 3, 2, 1):
        user.find(marker="password").type("wrong guess")
        user.find(marker="log-in").click()
        await user.should_see(f"{left} more tr", retries=30)
    user.find(marker="password").type("wrong guess")
    user.find(marker="log-in").click()
    await user.should_see("Too many wrong passwords", retries=30)
    await user.should_see("try again in 30 seconds")

    user.find(marker="password").type(TEST_PASSWORD)
    user.find(marker="log-in").click()
    await asyncio.sleep(0.5)  # the right password would have logged in by now
    assert (await user.http_client.get("/", follow_redirects=False)).status_code in (302, 307)
    await user.should_see("Too many wrong passwords")
