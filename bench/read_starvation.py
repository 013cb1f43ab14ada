"""Does a storm of broker reads slow the API's health check? Health latency with and without it.

Run: .venv/bin/python bench/read_starvation.py [--clients 16] [--seconds 5] [--samples 40]
                                              [--interval 0]

Builds a throwaway platform (temp project, SQLite database, the built-in sandbox on a free
port, a logged-in sandbox session), serves the real API app with the production waitress
options (``scripts.api.__main__.build_server``), and prints GET /api/health latency p50/p95/max:
  - baseline: no other load, same process, same server;
  - under load: ``--clients`` clients (threads of one separate process at nice 10, see
    tests/services/read_load.py) hammering GET /api/account/funds, back to back or one
    request per ``--interval`` seconds each (the test uses 0.05);
  - after: right after the clients stop.
It also prints how many funds reads the clients made and with which statuses. Figures are
wall-clock milliseconds on this machine; compare them within one run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from scripts.api.__main__ import API_THREADS  # noqa: E402
from scripts.api.app import create_app  # noqa: E402
from scripts.config.env_file import ensure_env_file  # noqa: E402
from scripts.config.settings import PROJECT_ROOT, load_settings  # noqa: E402
from scripts.db import Database  # noqa: E402
from scripts.db.migrate import upgrade_database  # noqa: E402
from tests.conftest import SandboxProcess, free_port  # noqa: E402
from tests.sandbox_session import log_in  # noqa: E402
from tests.services.served_api import (  # noqa: E402
    ServedApi,
    finish_read_load,
    start_read_load,
    timed_get,
)


def health_samples(api: httpx.Client, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        seconds, response = timed_get(api, "/api/health")
        assert response.status_code == 200, response.text
        samples.append(seconds * 1000)
        time.sleep(0.02)
    return samples


def describe(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return (
        f"{name:<12} p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   "
        f"max {ordered[-1]:7.1f} ms   (n={len(ordered)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.0, help="per client; 0 = no pause")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="read-starvation-"))
    sandbox = SandboxProcess(root / "sandbox.log").wait_ready()
    try:
        shutil.copy(PROJECT_ROOT / ".env.example", root / ".env.example")
        ensure_env_file(root / ".env.example", root / ".env")
        environ = {
            "DATABASE_URL": f"sqlite:///{root / 'market_data.db'}",
            "API_PORT": str(free_port()),
            "LOG_DIR": str(root / "logs"),
            "BACKUP_DIR": str(root / "backups"),
            "UPSTOX_SANDBOX_URL": sandbox.url,
        }
        settings = load_settings(environ=environ, project_root=root)
        database = Database(settings.database_url)
        upgrade_database(database, root / "backups")
        app = create_app(settings, database)
        login_client = app.test_client()
        login_client.environ_base["HTTP_X_API_KEY"] = settings.api_key
        log_in(login_client)

        server = ServedApi(app).start()
        headers = {"X-API-Key": settings.api_key}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30.0) as api:
            api.get("/api/health")  # warm the broker probe's cache and the connection
            baseline = health_samples(api, args.samples)
            load = start_read_load(
                f"{server.url}/api/account/funds",
                settings.api_key,
                args.clients,
                args.seconds,
                args.interval,
            )
            time.sleep(min(1.0, args.seconds / 4))
            loaded = health_samples(api, args.samples)
            if load.poll() is not None:
                print("warning: the load ended before the samples did; raise --seconds")
            result = finish_read_load(load)
            after = health_samples(api, max(5, args.samples // 4))
        server.stop()
        app.extensions["upstox_platform"].close()
        database.dispose()
    finally:
        sandbox.stop()
        shutil.rmtree(root, ignore_errors=True)

    pace = f"one read per {args.interval:g} s each" if args.interval else "back to back"
    print(f"API threads: {API_THREADS}; load: {args.clients} clients ({pace}) on funds")
    print(f"funds reads made: {result['requests']} statuses {result['statuses']}")
    print(describe("baseline", baseline))
    print(describe("under load", loaded))
    print(describe("after load", after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
