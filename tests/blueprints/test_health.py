"""/api/health: version, mode, database, scheduler heartbeat and broker reachability."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update

from scripts import __version__
from scripts.api.app import create_app
from scripts.clock import utc_now
from scripts.config.settings import load_settings
from scripts.db.heartbeats import record_heartbeat
from scripts.db.migrate import head_revision
from scripts.db.schema import service_heartbeats
from tests.conftest import free_port


class SandboxHealthHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = b'{"status":"success","data":{}}'
        self.send_response(200 if self.path == "/sandbox/health" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        return


@pytest.fixture
def fake_broker_host():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), SandboxHealthHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def health(client) -> dict:
    response = client.get("/api/health")
    assert response.status_code == 200
    return response.get_json()["data"]


def test_health_reports_version_mode_and_database(client) -> None:
    data = health(client)
    assert data["version"] == __version__
    assert (data["mode"], data["mode_label"]) == ("sandbox", "SANDBOX")
    assert data["database"]["ok"] is True
    assert data["database"]["schema_revision"] == head_revision()


def test_scheduler_state_follows_its_heartbeat(client, database) -> None:
    assert health(client)["scheduler"]["state"] == "never"
    with database.transaction() as connection:
        record_heartbeat(connection, "scheduler", utc_now(), {"jobs": []})
    fresh = health(client)["scheduler"]
    assert fresh["ok"] is True and fresh["state"] == "running" and fresh["age_seconds"] < 5
    with database.transaction() as connection:
        connection.execute(
            update(service_heartbeats).values(beat_at=utc_now() - timedelta(minutes=5))
        )
    stale = health(client)
    assert stale["scheduler"]["state"] == "stale" and stale["status"] == "degraded"


def test_unreachable_sandbox_is_reported(client) -> None:
    broker = health(client)["broker"]
    assert broker["reachable"] is False and broker["ok"] is False
    assert "cannot reach" in broker["detail"]


def test_reachable_sandbox_is_reported(
    project_root, settings_env, database, fake_broker_host
) -> None:
    settings = load_settings(
        environ={**settings_env, "UPSTOX_SANDBOX_URL": fake_broker_host}, project_root=project_root
    )
    broker = health(create_app(settings, database).test_client())["broker"]
    assert broker["reachable"] is True and broker["http_status"] == 200
    assert broker["host"] == fake_broker_host


def test_database_report_counts_rows(client) -> None:
    data = client.get("/api/system/database").get_json()["data"]
    counts = {t["table"]: t["rows"] for t in data["tables"]}
    assert counts["index_constituents"] == 50 and counts["market_holidays"] == 30
    assert data["up_to_date"] is True
