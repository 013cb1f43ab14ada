"""``python -m scripts.launcher start|stop|status`` (what ./start_nicegui.sh runs)."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler

from scripts.config.settings import Settings, settings_for_command
from scripts.launcher.supervisor import Launcher
from scripts.launcher.specs import current_command_overrides
from scripts.logging_setup import LOG_FORMAT, TraceAndRedactFilter


def log_to_file(settings: Settings) -> None:
    """The launcher's lines go to ``logs/launcher.log`` too (the terminal gets them by print)."""
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        settings.log_dir / "launcher.log", maxBytes=1_000_000, backupCount=3
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(TraceAndRedactFilter())
    logger = logging.getLogger("scripts.launcher")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "start"
    if command not in ("start", "stop", "status"):
        print("usage: python -m scripts.launcher start|stop|status", file=sys.stderr)
        return 2
    settings = settings_for_command()
    if command == "start":
        log_to_file(settings)
    launcher = Launcher(
        settings,
        out=lambda text: print(text, flush=True),
        command_overrides=current_command_overrides(),
    )
    return {"start": launcher.start, "stop": launcher.stop, "status": launcher.status}[command]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
