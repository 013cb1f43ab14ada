"""``python scripts/update_nse_indices.py [--index "NIFTY 50" ...]``: refresh NSE index members.

The scheduler runs the same every night (job ``nse_index_update``, 23:30 IST); this is for
a first install or a night the job failed. One line per index: accepted, or the stored
members kept and why. Exit code 0 when every index was accepted, 1 when any was refused
(or the database is not set up), 2 for a wrong argument or an unknown index.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

if __name__ == "__main__":  # run as a file: make ``scripts`` importable from the project root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from scripts.cli.command_services import DatabaseNotSetUp, command_services  # noqa: E402
from scripts.nse.catalog import NSE_INDICES  # noqa: E402
from scripts.services.errors import NotFound  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python scripts/update_nse_indices.py",
        description="Download NSE index constituent files; a bad file keeps the stored list.",
        epilog="indices: " + ", ".join(index.name for index in NSE_INDICES),
    )
    parser.add_argument(
        "--index",
        action="append",
        metavar="NAME",
        help='an index to refresh, e.g. "NIFTY 50" or "BANK" (repeatable; default: all)',
    )
    args = parser.parse_args(argv)

    try:
        with command_services() as services:
            results = services.nse_indices.refresh(args.index)
    except DatabaseNotSetUp as error:
        print(error)
        return 1
    except NotFound as error:
        print(error.message)
        return 2
    for result in results:
        print(result.line())
    return 0 if all(result.accepted for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
