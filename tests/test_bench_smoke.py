"""Every benchmark still runs: a short run of each prints its figures and exits 0.

Benchmarks are not timed here (figures on a shared CI machine mean little); this only proves
the scripts work against today's code, which once broke unnoticed when the services container
replaced a dict the read-starvation benchmark reached into.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_bench(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_read_starvation_benchmark_prints_baseline_and_loaded_latency() -> None:
    out = run_bench(
        "bench/read_starvation.py", "--clients", "2", "--seconds", "1", "--samples", "5"
    )
    for line in ("baseline", "under load", "after load"):
        assert any(row.startswith(line) and "p95" in row for row in out.splitlines()), out
    assert "funds reads made:" in out


def test_option_chain_benchmark_prints_its_baseline_and_chain_figures() -> None:
    out = run_bench("bench/sandbox_option_chain.py", "--repeat", "1")
    assert "baseline" in out.lower() and "chain" in out.lower(), out


def test_instrument_search_benchmark_prints_baseline_and_search_percentiles() -> None:
    out = run_bench("bench/instrument_search.py", "--rows", "2000", "--samples", "20")
    for label in ("baseline", "search", "resolve", "API search"):
        assert any(row.startswith(label) and "p95" in row for row in out.splitlines()), out
    assert "load         2000 rows" in out


def test_candle_ingest_benchmark_prints_baseline_and_insert_rates() -> None:
    out = run_bench("bench/candle_ingest.py", "--rows", "5000", "--batch", "1000", "--repeat", "1")
    for label in ("baseline", "insert_candles", "re-insert"):
        assert any(row.startswith(label) and "candles/s" in row for row in out.splitlines()), out


def test_candle_reads_benchmark_prints_service_baseline_and_duckdb_percentiles() -> None:
    out = run_bench("bench/candle_reads.py", "--rows", "40000", "--samples", "10")
    for label in ("baseline sqlite", "service sqlite", "duckdb 1d year"):
        assert any(row.startswith(label) and "p95" in row for row in out.splitlines()), out
    assert "load        40000 rows" in out
    assert "service postgresql" in out or "postgresql: skipped" in out, out


def test_feed_decode_benchmark_prints_baseline_and_dispatch_rates() -> None:
    out = run_bench("bench/feed_decode.py", "--smoke")
    assert "baseline parse" in out and "decode+dispatch" in out
    assert all(mode in out for mode in ("ltpc", "full", "option_greeks", "full_d30", "mixed"))


def test_quote_polling_benchmark_prints_baseline_and_cached_calls() -> None:
    out = run_bench("bench/quote_polling.py", "--pages", "2", "--seconds", "1")
    for label in ("baseline", "cached"):
        assert any(row.startswith(label) and "Upstox calls" in row for row in out.splitlines()), out


def test_feed_ticks_poll_benchmark_prints_the_baseline_beside_the_cheap_polls() -> None:
    out = run_bench("bench/feed_ticks_poll.py", "--smoke")
    for label in ("baseline", "batched resolve", "held keys", "loopback only"):
        assert any(row.startswith(label) and "p95" in row for row in out.splitlines()), out
