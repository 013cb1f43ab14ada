"""What several benchmarks share: a throwaway platform to measure against, and one p95.

The benchmarks each built the same temp project (.env from .env.example, a SQLite database
migrated to head, optionally the built-in sandbox on a free port) and each computed p95 a
little differently, so their figures were not comparable. Benchmarks run as
``python bench/x.py``: this folder is then the first entry of ``sys.path``, which is how they
import this module; importing it also puts the project root on ``sys.path``.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.config.env_file import ensure_env_file  # noqa: E402
from scripts.config.settings import PROJECT_ROOT, Settings, load_settings  # noqa: E402
from scripts.db import Database  # noqa: E402
from scripts.db.migrate import upgrade_database  # noqa: E402
from tests.conftest import SandboxProcess, free_port  # noqa: E402


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.95 is p95): a value actually measured."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def p50_p95_max(samples: list[float]) -> tuple[float, float, float]:
    """The three figures every latency line prints, computed the same way in every benchmark."""
    return statistics.median(samples), percentile(samples, 0.95), max(samples)


@dataclass(frozen=True)
class Platform:
    """A throwaway project: its folder, settings (API key, database URL) and migrated database."""

    root: Path
    settings: Settings
    database: Database
    sandbox: SandboxProcess | None


@contextmanager
def throwaway_platform(prefix: str, with_sandbox: bool = False) -> Iterator[Platform]:
    """A temp project with a generated .env and a SQLite database migrated to head.

    With ``with_sandbox`` the built-in sandbox runs on a free port and the settings point the
    broker at it (and the API at a free port). On exit the database is disposed, the sandbox
    stopped and the folder removed, also when the benchmark fails halfway.
    """
    root = Path(tempfile.mkdtemp(prefix=prefix))
    sandbox = SandboxProcess(root / "sandbox.log").wait_ready() if with_sandbox else None
    database: Database | None = None
    try:
        shutil.copy(PROJECT_ROOT / ".env.example", root / ".env.example")
        ensure_env_file(root / ".env.example", root / ".env")
        environ = {
            "DATABASE_URL": f"sqlite:///{root / 'market_data.db'}",
            "LOG_DIR": str(root / "logs"),
            "BACKUP_DIR": str(root / "backups"),
        }
        if sandbox is not None:
            environ |= {"API_PORT": str(free_port()), "UPSTOX_SANDBOX_URL": sandbox.url}
        settings = load_settings(environ=environ, project_root=root)
        database = Database(settings.database_url)
        upgrade_database(database, root / "backups")
        yield Platform(root, settings, database, sandbox)
    finally:
        if database is not None:
            database.dispose()
        if sandbox is not None:
            sandbox.stop()
        shutil.rmtree(root, ignore_errors=True)
