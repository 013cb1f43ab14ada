"""``python -m scripts.cli.instruments sync``: loads from the sandbox or a file, and a broken
file keeps the stored list with exit code 1 and the reason."""

from __future__ import annotations

import subprocess
from pathlib import Path


from scripts.db import Database
from scripts.db.instruments import count_instruments, latest_load
from tests.cli.cli_runner import run_command


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return run_command("scripts.cli.instruments", env, *args)


def test_sync_downloads_the_sandbox_file_and_prints_counts(cli_env, database: Database) -> None:
    done = run_cli(cli_env, "sync")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Loaded ") and "NSE_EQ 50" in done.stdout
    with database.read() as connection:
        stored = count_instruments(connection)
        last = latest_load(connection)
    assert last is not None and last.status == "loaded" and stored == last.rows > 50


def test_sync_of_a_broken_file_keeps_the_list_and_exits_1(
    cli_env, database: Database, tmp_path: Path
) -> None:
    assert run_cli(cli_env, "sync").returncode == 0
    with database.read() as connection:
        before = count_instruments(connection)
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"not gzip at all")

    done = run_cli(cli_env, "sync", "--file", str(broken))

    assert done.returncode == 1
    assert f"Kept the previous {before} instruments" in done.stdout
    assert "not a complete gzip file" in done.stdout
    with database.read() as connection:
        assert count_instruments(connection) == before


def test_sync_needs_a_command(cli_env) -> None:
    done = run_cli(cli_env)
    assert done.returncode == 2 and "sync" in done.stderr
