"""The left navigation: the registered pages under their groups (Core, Trading, ...).

Drawn from the registry, so it lists only pages that exist and a new page
appears here by defining ``PAGE`` in its module (see ``registry.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from nicegui import ui

from dashboard_ui.page_registry import PageSpec, grouped


def draw_sidebar(pages: Sequence[PageSpec], active_path: str | None) -> ui.left_drawer:
    # value=None: open beside the page on wide screens, closed (menu button opens it) on phones,
    # instead of covering the page as an overlay there.
    drawer = ui.left_drawer(value=None, bordered=True).props("width=230").classes("bg-grey-1")
    with drawer:
        for group, members in grouped(pages):
            ui.label(group).classes(
                "text-xs font-bold uppercase tracking-wider text-grey-7 q-mt-md q-mb-xs"
            ).mark(f"sidebar-group-{group}")
            with ui.list().props("dense").classes("w-full"):
                for page in members:
                    _page_link(page, page.path == active_path)
    return drawer


def _page_link(page: PageSpec, active: bool) -> None:
    item = ui.item(on_click=lambda path=page.path: ui.navigate.to(path)).props("clickable")
    item.classes("rounded-borders" + (" bg-blue-1 text-primary" if active else ""))
    item.mark(f"nav-{page.path}")
    if active:  # screen readers (and the browser tests) can tell which page is open
        item.props('aria-current="page"')
    with item:
        with ui.item_section().props("avatar").classes("min-w-0"):
            ui.icon(page.icon, size="sm")
        with ui.item_section():
            ui.item_label(page.title)
