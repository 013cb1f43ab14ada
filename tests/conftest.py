"""Shared fixtures: a private database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
settings for a temporary project, the API app, and the API served on a real socket.

Whatever DATABASE_URL or .env say, tests never touch the user's database: the
SQLite file lives in a temp folder, and on PostgreSQL every test session gets
its own schema, dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from scripts.config.env_file import ensure_env_file
from scripts.config.passwords import hash_password
from scripts.config.settings import PROJECT_ROOT, Settings, load_settings
from scripts.db import Database
from scripts.db.migrate import upgrade_database
from scripts.db.schema import metadata
from scripts.db.seed import seed_reference_data

TEST_PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    return url or None


def _with_search_path(url: str, schema: str) -> str:
    base = url.replace("postgresql://", "postgresql+psycopg://", 1)
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def database_url_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Makes empty private databases: SQLite files, or fresh PostgreSQL schemas."""
    pg = postgres_url()
    schemas: list[str] = []
    admin = create_engine(pg.replace("postgresql://", "postgresql+psycopg://", 1)) if pg else None

    def make() -> str:
        if admin is None:
            folder = tmp_path_factory.mktemp("db")
            return f"sqlite:///{folder / 'market_data.db'}"
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        return _with_search_path(pg, schema)

    yield make
    if admin is not None:
        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_template(database_url_factory, tmp_path_factory) -> str:
    """One database migrated to head; per-test databases start from a copy of it."""
    url = database_url_factory()
    database = Database(url)
    upgrade_database(database, tmp_path_factory.mktemp("backups"))
    database.dispose()
    return url


@pytest.fixture
def database(migrated_template: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated, seeded database private to this test."""
    if migrated_template.startswith("sqlite"):
        copy = tmp_path / "market_data.db"
        shutil.copy(migrated_template.removeprefix("sqlite:///"), copy)
        db = Database(f"sqlite:///{copy}")
    else:
        db = Database(migrated_template)
        with db.transaction() as connection:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
            seed_reference_data(connection)
    yield db
    db.dispose()


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    """A temporary project folder with a fresh .env (generated secrets, known password)."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(PROJECT_ROOT / ".env.example", root / ".env.example")
    ensure_env_file(root / ".env.example", root / ".env")
    return root


@pytest.fixture
def settings_env(project_root: Path, database: Database) -> dict[str, str]:
    """Environment for settings pointing at the private database and free ports."""
    return {
        "DATABASE_URL": database.url,
        "API_PORT": str(free_port()),
        "DASHBOARD_PORT": str(free_port()),
        "SANDBOX_PORT": str(free_port()),
        "FEED_PORT": str(free_port()),
        "DASHBOARD_PASSWORD_HASH": hash_password(TEST_PASSWORD),
        "LOG_DIR": str(project_root / "logs"),
        "BACKUP_DIR": str(project_root / "backups"),
        "SCHEDULER_HEARTBEAT_SECONDS": "1",
        # No test reaches NSE: a refused loopback port, no fallbacks (tests/nse has a fake).
        "NSE_INDICES_URL": "http://127.0.0.1:9/IndexConstituent",
        "NSE_INDICES_FALLBACK_URLS": "",
    }


@pytest.fixture
def settings(project_root: Path, settings_env: dict[str, str]) -> Settings:
    return load_settings(environ=settings_env, project_root=project_root)


@pytest.fixture
def app(settings: Settings, database: Database):
    from scripts.api.app import create_app

    return create_app(settings, database)


@pytest.fixture
def client(app, settings: Settings):
    """A test client that sends the API key on every request."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_X_API_KEY"] = settings.api_key
    return test_client


class LiveServer:
    def __init__(self, app, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        # werkzeug polls for shutdown every 0.5 s by default: that was 0.5 s per test teardown.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> "LiveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port, so a new server can take it at once."""
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()


@pytest.fixture
def api_server(app, settings: Settings) -> Iterator[LiveServer]:
    """The real API app served over HTTP on the settings' API port."""
    server = LiveServer(app, settings.api_port).start()
    yield server
    server.stop()


class SandboxProcess:
    """The built-in Upstox sandbox as a real process on a free port."""

    def __init__(self, log_path: Path) -> None:
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scripts.upstox_sandbox",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                # Tests of fills and live ticks must not depend on the time of day.
                "--always-open",
            ],
            cwd=PROJECT_ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30.0) -> "SandboxProcess":
        import time

        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sandbox exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/sandbox/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("sandbox did not become healthy")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="session")
def sandbox_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    server = SandboxProcess(tmp_path_factory.mktemp("sandbox") / "sandbox.log").wait_ready()
    yield server
    server.stop()


@pytest.fixture
def sandbox_settings(project_root: Path, settings_env: dict[str, str], sandbox_process) -> Settings:
    """Settings of a platform talking to the session's sandbox process."""
    return load_settings(
        environ={**settings_env, "UPSTOX_SANDBOX_URL": sandbox_process.url},
        project_root=project_root,
    )


@pytest.fixture
def sandbox_api(sandbox_settings: Settings, database: Database):
    """A test client (API key set) of the real app, talking to the session's sandbox."""
    from scripts.api.app import create_app

    app = create_app(sandbox_settings, database)
    client = app.test_client()
    client.environ_base["HTTP_X_API_KEY"] = sandbox_settings.api_key
    yield client
    app.extensions["upstox_platform"].close()


@pytest.fixture
def sandbox_login(sandbox_api) -> dict:
    """A logged-in Upstox session (the sandbox's demo user); returns the session state."""
    from tests.sandbox_session import log_in

    return log_in(sandbox_api)


@pytest.fixture
def feed_server(sandbox_settings: Settings, database: Database) -> Iterator:
    """The market-feed process's hub and loopback server (on FEED_PORT), run in this process.

    Built exactly as ``python -m scripts.feed_process`` builds them; tests that need the
    real process (launcher, e2e) start that instead.
    """
    from scripts.feed_process.hub import FeedHub
    from scripts.feed_process.server import FeedServer
    from scripts.services.container import build_services

    platform = build_services(sandbox_settings, database)
    server = FeedServer(
        FeedHub(platform.broker), sandbox_settings.feed_host, sandbox_settings.feed_port
    ).start()
    yield server
    server.stop()
    platform.close()
