"""The sidebar's page registry: which pages exist, in which group, in which order.

A page module in ``dashboard_ui/pages`` that defines ``PAGE = PageSpec(...)``
is found by :func:`discover_pages`, registered at its path and listed in the
sidebar under its group. Adding a page is one new module; nothing else
changes (the same rule the API follows for blueprints), so engineers adding
pages in parallel never edit a shared list.

The spec is the page's only statement of its name: the application draws the
frame around ``build`` from it (browser tab title, page heading, sidebar entry
and its highlight), so a title cannot be written twice and drift.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard_ui.page_context import DashboardContext
    from dashboard_ui.layout import Chrome

    # What a page module provides: it fills the body of a frame that is already drawn.
    PageBuilder = Callable[[DashboardContext, Chrome], Awaitable[None]]

# Sidebar groups in display order (docs/PAGES.md). A group with no page is not shown.
GROUPS: tuple[str, ...] = (
    "Core",
    "Trading",
    "Derivatives",
    "Markets",
    "Analysis",
    "Account",
    "Alerts",
    "System",
)


@dataclass(frozen=True)
class PageSpec:
    """One sidebar page: where it lives, what the trader calls it, and how it is built.

    ``order`` is the page's number in docs/PAGES.md, so the sidebar keeps the
    documented order however the modules are named. ``build(ctx, chrome)`` draws
    only the body: the frame around it is drawn from this spec.
    """

    path: str
    title: str
    group: str
    icon: str
    order: int
    build: PageBuilder

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"page {self.title!r}: unknown sidebar group {self.group!r}")
        if not self.path.startswith("/"):
            raise ValueError(f"page {self.title!r}: path must start with '/'")


def discover_pages(package: str = "dashboard_ui.pages") -> list[PageSpec]:
    """Every ``PAGE`` defined by a module of ``package``, in sidebar order."""
    module = importlib.import_module(package)
    found = []
    for info in pkgutil.iter_modules(module.__path__):
        page_module = importlib.import_module(f"{package}.{info.name}")
        spec = getattr(page_module, "PAGE", None)
        if isinstance(spec, PageSpec):
            found.append(spec)
    return sort_pages(found)


def sort_pages(pages: Iterable[PageSpec]) -> list[PageSpec]:
    return sorted(pages, key=lambda page: (GROUPS.index(page.group), page.order, page.title))


def grouped(pages: Iterable[PageSpec]) -> list[tuple[str, list[PageSpec]]]:
    """(group, pages) for each group that has at least one page, in sidebar order."""
    by_group: dict[str, list[PageSpec]] = {}
    for page in sort_pages(pages):
        by_group.setdefault(page.group, []).append(page)
    return [(group, by_group[group]) for group in GROUPS if group in by_group]
