"""The sidebar registry: only existing pages, grouped and ordered as in docs/PAGES.md."""

from __future__ import annotations

import pytest

from dashboard_ui.registry import GROUPS, PageSpec, discover_pages, grouped


async def _noop(ctx) -> None:  # noqa: ANN001
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
        ("Account", "Profile & Connection", "/profile"),
        ("Account", "Funds & Margins", "/funds"),
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
