"""An unknown path: a 404 inside the dashboard's frame when logged in, the login page when not."""

from __future__ import annotations

import re
import sys

from nicegui import Client, ElementFilter
from nicegui.testing.user import User

from tests.dashboard.test_login import log_in


async def logged_in(user: User) -> None:
    await log_in(user)
    await user.should_see(marker="page-title", retries=30)


async def open_missing_page(user: User, path: str) -> Client:
    """GET ``path``, expect 404, and return the NiceGUI client that drew the answer."""
    response = await user.http_client.get(path, follow_redirects=False)
    assert response.status_code == 404
    assert response.headers.get("X-Nicegui-Content") == "page"
    match = re.search(r"'client_id': '([0-9a-f-]+)'", response.text)
    assert match is not None, "the 404 answer is not a NiceGUI page"
    return Client.instances[match.group(1)]


def texts(client: Client, marker: str) -> list[str]:
    with client:
        return [getattr(element, "text", "") for element in ElementFilter(marker=marker)]


async def test_unknown_path_shows_not_found_inside_the_frame_with_a_link_home(
    user: User,
) -> None:
    await logged_in(user)
    client = await open_missing_page(user, "/xyz")
    assert texts(client, "not-found-path") == ["Page not found: /xyz"]
    assert texts(client, "page-title") == ["Page not found"]
    assert any("SANDBOX" in text for text in texts(client, "mode-badge"))
    assert texts(client, "current-user") == ["admin"]
    with client:
        home = [link.props["href"] for link in ElementFilter(marker="not-found-home")]
        assert home == ["/"]
        assert list(ElementFilter(marker="nav-/funds")), "the sidebar is missing"
        assert not list(ElementFilter(marker="not-found-suggestion"))  # nothing like /xyz
    assert client.page.resolve_title() == "Page not found · Upstox Trading Platform"


async def test_mistyped_path_suggests_the_page_probably_meant(user: User) -> None:
    await logged_in(user)
    client = await open_missing_page(user, "/fund")
    assert texts(client, "not-found-suggestion") == ["Did you mean Funds & Margins?"]
    with client:
        links = [link.props["href"] for link in ElementFilter(marker="not-found-suggestion")]
    assert links == ["/funds"]


async def test_logged_out_unknown_path_goes_to_login_without_revealing_it_is_unknown(
    user: User,
) -> None:
    known = await user.http_client.get("/funds", follow_redirects=False)
    unknown = await user.http_client.get("/xyz?tab=2", follow_redirects=False)
    assert known.status_code == unknown.status_code == 307
    assert unknown.headers["location"] == "/login?redirect_to=/xyz%3Ftab%3D2"
    login = await user.http_client.get(unknown.headers["location"])
    assert login.status_code == 200
    assert "Page not found" not in login.text and "Funds &amp; Margins" not in login.text


async def test_unknown_nicegui_asset_gets_a_plain_404_not_the_frame(user: User) -> None:
    # /_nicegui/* is public (scripts load before login), so the frame must never be drawn there.
    logged_out = await user.http_client.get("/_nicegui/no-such-file.js")
    assert logged_out.status_code == 404
    assert logged_out.json() == {"detail": "Not Found"}

    await logged_in(user)
    version = sys.modules["nicegui"].__version__
    missing_library = await user.http_client.get(f"/_nicegui/{version}/libraries/nope.js")
    assert missing_library.status_code == 404
    assert "not found" in missing_library.json()["detail"]
    assert (await user.http_client.get("/_nicegui/no-such-file.js")).status_code == 404
