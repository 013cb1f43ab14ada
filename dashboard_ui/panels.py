"""A card that loads data from the API: a loading state first, then the figures, and
API problems in plain words without throwing away the last figures shown.

Every page panel behaves the same way, so a trader learns once what "Loading…"
and a red line under a card's title mean.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from nicegui import ui

from dashboard_ui.api_client import ApiProblem, ApiUnavailable
from scripts.clock import IST


class Panel:
    """A titled card whose body is redrawn from fresh data by :meth:`show`."""

    def __init__(self, title: str, icon: str, marker: str, classes: str = "") -> None:
        self.card = ui.card().classes(f"q-pa-md {classes}").mark(marker)
        self.loaded_at: datetime | None = None
        with self.card:
            with ui.row().classes("items-center gap-2 no-wrap"):
                ui.icon(icon, size="sm").classes("text-primary")
                ui.label(title).classes("text-subtitle1 text-weight-medium")
            self.problem = ui.label("").classes("text-negative text-sm")
            self.problem.set_visibility(False)
            self.body = ui.column().classes("w-full gap-1")
        self.show_loading()

    def show_loading(self) -> None:
        self.body.clear()
        with self.body:
            with ui.row().classes("items-center gap-2 text-grey-7"):
                ui.spinner(size="sm")
                ui.label("Loading…")

    def show(self, render: Callable[[Any], None], data: Any) -> None:
        self.problem.set_visibility(False)
        self.body.clear()
        with self.body:
            render(data)
        self.loaded_at = datetime.now(IST)

    def show_problem(self, problem: ApiProblem | str) -> None:
        message = problem.message if isinstance(problem, ApiProblem) else problem
        if self.loaded_at is None:
            self.body.clear()
            self.problem.set_text(f"Could not load: {message}")
        else:
            # The banner names the URL; a short note on each card is enough.
            reason = "the API is not answering." if isinstance(problem, ApiUnavailable) else message
            self.problem.set_text(f"Figures from {self.loaded_at:%H:%M:%S} IST; {reason}")
        self.problem.set_visibility(True)


def facts(rows: list[tuple[str, str]], marker_prefix: str = "") -> None:
    """Label/value lines, e.g. ("Schema", "0002 (up to date)")."""
    with ui.grid(columns="auto 1fr").classes("gap-x-4 gap-y-1 items-baseline"):
        for name, value in rows:
            ui.label(name).classes("text-grey-7 text-sm")
            label = ui.label(value).classes("text-sm text-weight-medium")
            if marker_prefix:
                label.mark(f"{marker_prefix}-{name.lower().replace(' ', '-')}")


def state_dot(ok: bool | None, text: str) -> None:
    """A green/red/grey dot with words: the state must never be colour alone."""
    colour = "positive" if ok else ("grey-5" if ok is None else "negative")
    with ui.row().classes("items-center gap-2 no-wrap"):
        ui.icon("circle", size="xs", color=colour)
        ui.label(text).classes("text-sm text-weight-medium")
