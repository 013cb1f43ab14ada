"""Entry point of the NiceGUI dashboard: ``python dashboard_ui/nicegui_dashboard.py``.

The launcher runs this file from the project root; NiceGUI's ``user`` test
fixture executes it with ``runpy`` under ``__name__ == "__main__"``. Both go
through :func:`main`, behind the guard, so importing the file does nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    # Run as a script, Python puts dashboard_ui/ (not the project) on sys.path.
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))

    from nicegui import ui

    from dashboard_ui.application import build_dashboard
    from dashboard_ui.layout import APP_TITLE
    from scripts.config.dashboard_settings import dashboard_settings_for_command
    from scripts.logging_setup import configure_logging

    settings = dashboard_settings_for_command()
    configure_logging(settings, "dashboard")
    build_dashboard(settings)
    ui.run(
        host=settings.dashboard_host,
        port=settings.dashboard_port,
        storage_secret=settings.dashboard_storage_secret,
        title=APP_TITLE,
        reload=False,
        show=False,
        show_welcome_message=False,
        favicon="📈",
    )


if __name__ in {"__main__", "__mp_main__"}:
    main()
