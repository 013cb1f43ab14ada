"""What every page needs, built once by the entry point and handed to each page builder."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard_ui.api_client import ApiClient
from dashboard_ui.page_registry import PageSpec
from scripts.config.dashboard_settings import DashboardSettings


@dataclass(frozen=True)
class DashboardContext:
    """Settings, the API client and the registered pages.

    Passed to every page builder (never a module global) so each process, and
    each test, builds its own.
    """

    settings: DashboardSettings
    api: ApiClient
    pages: tuple[PageSpec, ...] = ()
