"""The documented entry point of the scheduler: ``python scripts/scheduler_service.py``.

A thin door: the scheduler lives in :mod:`scripts.jobs.scheduler_service`
(also runnable as ``python -m scripts.jobs.scheduler_service``, which the
launcher uses). Started as a file, Python puts ``scripts/`` on the path rather
than the project root, so the root is added before the package is imported.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    # scripts/ itself must not be a top-level import root (its modules would shadow others).
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != here]
    sys.path.insert(0, str(here.parent))
    from scripts.jobs.scheduler_service import main as scheduler_main

    return scheduler_main()


if __name__ == "__main__":
    sys.exit(main())
