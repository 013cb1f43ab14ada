"""Loading the instrument list: from the real sandbox's BOD file, and refusing broken files
(real bytes from a temp file or a tiny local HTTP server) while keeping yesterday's list."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scripts.clock import IST
from scripts.config.settings import Settings, load_settings
from scripts.db import Database
from scripts.db.jobs import job_history, register_job
from scripts.jobs.registry import all_jobs
from scripts.jobs.runner import run_recorded
from scripts.services.container import PlatformServices, build_services
from scripts.services.errors import UpstreamUnavailable, ValidationFailed
from tests.instrument_files import equity, synthetic_records, write_gzip_json


@pytest.fixture
def platform(sandbox_settings: Settings, database: Database) -> Iterator[PlatformServices]:
    services = build_services(sandbox_settings, database)
    yield services
    services.close()


@pytest.fixture
def offline(settings: Settings, database: Database) -> Iterator[PlatformServices]:
    """Services whose loads come from files given to ``sync(file)``."""
    services = build_services(settings, database)
    yield services
    services.close()


def test_sync_loads_the_sandbox_bod_file_with_counts_per_segment(platform) -> None:
    outcome = platform.instruments.sync()

    assert outcome.segment_counts["NSE_EQ"] == 50
    assert outcome.segment_counts["NSE_INDEX"] == 2
    assert outcome.segment_counts["NSE_FO"] > 100
    assert outcome.rows == sum(outcome.segment_counts.values())
    assert outcome.file_date == datetime.now(IST).date()
    status = platform.instruments.status()
    assert status.total == outcome.rows
    assert status.last_loaded is not None and status.last_loaded.status == "loaded"
    assert status.last_loaded.segment_counts == outcome.segment_counts
    (reliance,) = platform.instruments.search("RELIANCE", limit=1)
    assert reliance.instrument_key == "NSE_EQ|INE002A01018"
    assert reliance.isin == "INE002A01018" and reliance.lot_size == 1


def test_sandbox_option_rows_carry_expiry_strike_and_underlying(platform) -> None:
    platform.instruments.sync()

    options = platform.instruments.search("NIFTY", segment="NSE_FO", instrument_type="CE")

    assert options, "the sandbox lists NIFTY calls"
    for row in options:
        assert row.expiry is not None and row.strike_price and row.underlying_symbol == "NIFTY"


def test_the_scheduled_job_loads_then_skips_when_todays_file_is_stored(platform) -> None:
    (job,) = [spec for spec in all_jobs() if spec.job_id == "instrument_sync"]
    assert job.run_at_start
    with platform.database.transaction() as connection:
        register_job(connection, job.job_id, job.name, job.description, job.schedule, None)

    assert run_recorded(platform, job, "schedule") == "success"
    assert run_recorded(platform, job, "schedule") == "success"

    with platform.database.read() as connection:
        second, first = job_history(connection, job.job_id)
    assert first.rows_affected and first.rows_affected > 100
    assert first.message and first.message.startswith("loaded ")
    assert (second.rows_affected, second.message) == (
        0,
        "today's instrument file is already loaded",
    )


def good_file(tmp_path: Path, count: int = 40) -> Path:
    return write_gzip_json(tmp_path / "good.json.gz", synthetic_records(count))


BROKEN_FILES = {
    "not gzip": (lambda: b'[{"instrument_key": "NSE_EQ|X"}]', "not a complete gzip file"),
    "cut short": (
        lambda: gzip.compress(json.dumps(synthetic_records(40)).encode())[:300],
        "cut short",
    ),
    "not JSON": (lambda: gzip.compress(b"<html>maintenance</html>"), "not valid JSON"),
    "not an array": (lambda: gzip.compress(b'{"status": "error"}'), "not a JSON array"),
    "no usable record": (lambda: gzip.compress(b'[{"name": "x"}, 3]'), "no usable instrument"),
    "far smaller": (
        lambda: gzip.compress(json.dumps(synthetic_records(10)).encode()),
        "only 10 instruments against 40 stored",
    ),
}


@pytest.mark.parametrize("kind", sorted(BROKEN_FILES))
def test_a_broken_file_keeps_the_previous_instruments_and_says_why(
    offline, tmp_path: Path, kind: str
) -> None:
    offline.instruments.sync(good_file(tmp_path))
    before = offline.instruments.search("STOCK", limit=100)
    content, reason = BROKEN_FILES[kind]
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(content())

    with pytest.raises(UpstreamUnavailable) as refused:
        offline.instruments.sync(bad)

    assert reason in refused.value.message
    assert refused.value.message.startswith("Kept the previous 40 instruments")
    assert offline.instruments.search("STOCK", limit=100) == before
    status = offline.instruments.status()
    assert status.total == 40
    assert status.last_attempt is not None and status.last_attempt.status == "rejected"
    assert reason in status.last_attempt.message
    assert status.last_loaded is not None and status.last_loaded.rows == 40


def test_a_slightly_smaller_file_replaces_the_list(offline, tmp_path: Path) -> None:
    offline.instruments.sync(good_file(tmp_path, 40))
    smaller = write_gzip_json(tmp_path / "smaller.json.gz", synthetic_records(30))

    outcome = offline.instruments.sync(smaller)

    assert outcome.rows == 30 and offline.instruments.status().total == 30


def test_unusable_records_are_skipped_and_counted(offline, tmp_path: Path) -> None:
    records = synthetic_records(5) + [{"segment": "NSE_EQ"}, "junk"]
    outcome = offline.instruments.sync(write_gzip_json(tmp_path / "mixed.json.gz", records))

    assert (outcome.rows, outcome.skipped) == (5, 2)
    assert "2 unusable records skipped" in outcome.message


def test_a_missing_file_is_a_validation_error_not_a_refused_load(offline, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="No file"):
        offline.instruments.sync(tmp_path / "absent.json.gz")
    assert offline.instruments.status().last_attempt is None


class FileServer:
    """A tiny HTTP server standing in for Upstox's assets host, serving chosen bytes."""

    def __init__(self) -> None:
        self.body = b""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    server = FileServer()
    yield server
    server.stop()


@pytest.fixture
def served(project_root, settings_env, database, file_server) -> Iterator[PlatformServices]:
    settings = load_settings(
        environ={**settings_env, "UPSTOX_SANDBOX_URL": file_server.url}, project_root=project_root
    )
    services = build_services(settings, database)
    yield services
    services.close()


def test_a_truncated_download_keeps_yesterdays_list(served, file_server) -> None:
    records = [equity(f"SYM{n}", f"INE{n:07d}01", token=str(n)) for n in range(20)]
    file_server.body = gzip.compress(json.dumps(records).encode())
    assert served.instruments.sync().rows == 20

    file_server.body = file_server.body[: len(file_server.body) // 2]
    with pytest.raises(UpstreamUnavailable, match="Kept the previous 20 instruments"):
        served.instruments.sync()

    assert served.instruments.status().total == 20


def test_a_download_that_is_not_gzip_keeps_the_list_and_names_the_failure(
    served, file_server
) -> None:
    file_server.body = gzip.compress(json.dumps([equity("ONE", "INE000000101")]).encode())
    served.instruments.sync()

    file_server.body = b"<html>Service Unavailable</html>"
    with pytest.raises(UpstreamUnavailable) as refused:
        served.instruments.sync()

    assert "the download failed" in refused.value.message
    assert "gzip" in refused.value.message
    assert served.instruments.status().total == 1


def test_sandbox_indices_and_option_symbols_resolve_in_every_form(platform) -> None:
    platform.instruments.sync()
    assert (
        platform.instruments.resolve("NIFTY 50").instrument.instrument_key == "NSE_INDEX|Nifty 50"
    )
    assert platform.instruments.resolve("NIFTY BANK").instrument.instrument_key == (
        "NSE_INDEX|Nifty Bank"
    )
    (put,) = platform.instruments.search("NIFTY", segment="NSE_FO", instrument_type="PE", limit=1)
    assert put.expiry is not None and put.strike_price is not None
    month = "123456789OND"[put.expiry.month - 1]
    compact = f"NIFTY{put.expiry:%y}{month}{put.expiry:%d}{put.strike_price:g}PE"

    assert platform.instruments.resolve(compact).instrument.instrument_key == put.instrument_key
    assert platform.instruments.resolve(put.trading_symbol).instrument.instrument_key == (
        put.instrument_key
    )
