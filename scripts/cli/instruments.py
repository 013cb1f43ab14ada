"""``python -m scripts.cli.instruments sync [--file PATH]``: load the instrument list now.

The scheduler does the same every morning (job ``instrument_sync``); this is for a first
install, a test against a saved file, or a morning when the job failed. Either way a broken
or much smaller file keeps the instruments stored, and the command says why (exit code 1).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scripts.cli.command_services import DatabaseNotSetUp, command_services
from scripts.services.errors import ServiceError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.cli.instruments")
    commands = parser.add_subparsers(dest="command", required=True)
    sync = commands.add_parser("sync", help="download Upstox's instrument file and load it")
    sync.add_argument("--file", type=Path, help="load this .json.gz file instead of downloading")
    args = parser.parse_args(argv)

    try:
        with command_services() as services:
            outcome = services.instruments.sync(args.file)
    except DatabaseNotSetUp as error:
        print(error)
        return 1
    except ServiceError as error:
        print(error.message)
        return 1
    counts = ", ".join(f"{segment} {rows}" for segment, rows in outcome.segment_counts.items())
    print(f"{outcome.message.capitalize()} (file of {outcome.file_date}): {counts}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
