"""The page registry: only existing pages, grouped and ordered as in docs/PAGES.md, and
each page's one declaration drawing its tab title, heading and sidebar highlight."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest
from nicegui import ElementFilter
from nicegui.testing.user import User

from dashboard_ui.page_registry import GROUPS, PageSpec, discover_pages, grouped
from tests.dashboard.test_login import log_in


async def _noop(ctx, chrome) -> None:  # noqa: ANN001
    return None


def _page(title: str, group: str, order: int, path: str = "/x") -> PageSpec:
    return PageSpec(path=path, title=title, group=group, icon="x", order=order, build=_noop)


def test_groups_follow_pages_md_order() -> None:
    assert GROUPS == (
        "Core", "Trading", "Derivatives", "Markets", "Analysis", "Account", "Alerts", "System"
    )  # fmt: skip


def test_discovery_finds_every_page_module_in_pages_md_order() -> None:
    pages = discover_pages()
    assert [(p.group, p.title, p.path) for p in pages] == [
        ("Core", "Dashboard", "/"),
        ("Core", "Watchlist", "/watchlist"),
        ("Core", "Live Quote", "/quote"),
        ("Core", "Charts", "/charts"),
        ("Core", "Instruments", "/instruments"),
        ("Markets", "Market Calendar", "/market-calendar"),
        ("Account", "Profile & Connection", "/profile"),
        ("Account", "Funds & Margins", "/funds"),
        ("System", "Data & Exports", "/data"),
    ]


def test_grouping_shows_only_groups_with_pages_in_documented_order() -> None:
    pages = [
        _page("Background Jobs", "System", 29),
        _page("Watchlist", "Core", 2),
        _page("Dashboard", "Core", 1),
    ]
    assert [(group, [p.title for p in members]) for group, members in grouped(pages)] == [
        ("Core", ["Dashboard", "Watchlist"]),
        ("System", ["Background Jobs"]),
    ]


def test_a_page_in_an_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown sidebar group 'Misc'"):
        _page("Odd", "Misc", 99)


def test_a_new_page_is_one_module_with_a_page_spec_and_a_build_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "more_pages"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "watchlist.py").write_text(
        "from dashboard_ui.page_registry import PageSpec\n\n\n"
        "async def build(ctx, chrome):\n    pass\n\n\n"
        'PAGE = PageSpec(path="/watchlist", title="Watchlist", group="Core", icon="visibility",\n'
        "                order=2, build=build)\n"
    )
    (package / "shared_widgets.py").write_text("LABEL = 'not a page'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        pages = discover_pages("more_pages")
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "more_pages"]:
            del sys.modules[name]
    assert [(p.path, p.title, p.group, p.icon, p.order) for p in pages] == [
        ("/watchlist", "Watchlist", "Core", "visibility", 2)
    ]


def _tab_title(page_html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page_html, re.S)
    assert match is not None, "the page has no <title>"
    return html.unescape(match.group(1)).strip()


async def test_tab_title_heading_and_sidebar_highlight_come_from_the_page_spec(
    user: User,
) -> None:
    await log_in(user)
    await user.should_see(marker="page-title", retries=30)
    # The dashboard under test imported dashboard_ui afresh; ask its own registry.
    pages = sys.modules["dashboard_ui.page_registry"].discover_pages()
    assert len(pages) >= 3
    for spec in pages:
        response = await user.http_client.get(spec.path)
        assert response.status_code == 200
        assert _tab_title(response.text) == f"{spec.title} · Upstox Trading Platform"

        await user.open(spec.path)
        with user:
            headings = [e.text for e in ElementFilter(marker="page-title")]
            current = {
                other.path
                for other in pages
                for item in ElementFilter(marker=f"nav-{other.path}")
                if item.props.get("aria-current") == "page"
            }
        assert headings == [spec.title]
        assert current == {spec.path}, f"{spec.path}: the sidebar highlights {current}"
