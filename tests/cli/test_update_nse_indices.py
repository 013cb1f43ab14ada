"""``python scripts/update_nse_indices.py``: typed from the project folder, one line per index,
exit code 0 when all were accepted and 1 when any kept its old members."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dotenv import dotenv_values

from scripts.config.settings import PROJECT_ROOT
from scripts.db import Database
from scripts.db.nse_indices import all_metadata
from tests.nse import fake_nse as payloads
from tests.nse.fake_nse import Answer, FakeNse, bundled_nifty50


@pytest.fixture
def fake_nse() -> Iterator[FakeNse]:
    with FakeNse() as fake:
        yield fake


def run_script(project_root: Path, settings_env: dict[str, str], fake: FakeNse, *args: str):
    secrets = {k: v for k, v in dotenv_values(project_root / ".env").items() if v is not None}
    env = {k: v for k, v in os.environ.items() if k not in secrets and k != "DATABASE_URL"}
    env.update(secrets)
    env.update(settings_env)
    env.update({"NSE_INDICES_URL": fake.url(), "NSE_INDICES_FALLBACK_URLS": ""})
    return subprocess.run(
        [sys.executable, "scripts/update_nse_indices.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_good_file_is_accepted_and_the_command_exits_0(
    project_root: Path, settings_env: dict[str, str], fake_nse: FakeNse, database: Database
) -> None:
    fake_nse.serve("/IndexConstituent/ind_nifty50list.csv", Answer(200, bundled_nifty50()))

    done = run_script(project_root, settings_env, fake_nse, "--index", "NIFTY 50")

    assert done.returncode == 0, done.stderr
    assert done.stdout == "NIFTY 50: accepted 50 members\n"
    with database.read() as connection:
        assert all_metadata(connection)["NIFTY 50"].last_status == "accepted"


def test_a_blocked_download_keeps_the_members_says_why_and_exits_1(
    project_root: Path, settings_env: dict[str, str], fake_nse: FakeNse, database: Database
) -> None:
    fake_nse.serve("/IndexConstituent/ind_nifty50list.csv", payloads.AKAMAI)

    done = run_script(project_root, settings_env, fake_nse, "--index", "NIFTY 50")

    assert done.returncode == 1
    assert done.stdout.startswith("NIFTY 50: kept 50 stored members; download refused: ")
    assert "an Akamai block page, not a CSV" in done.stdout


def test_an_unknown_index_exits_2_with_the_known_names(
    project_root: Path, settings_env: dict[str, str], fake_nse: FakeNse, database: Database
) -> None:
    done = run_script(project_root, settings_env, fake_nse, "--index", "NIFTY 51")
    assert done.returncode == 2
    assert "no tracked NSE index is called 'NIFTY 51'" in done.stdout
    assert fake_nse.requests == []


def test_an_empty_database_is_told_to_run_setup_and_exits_1(
    project_root: Path, settings_env: dict[str, str], fake_nse: FakeNse, database_url_factory
) -> None:
    empty = {**settings_env, "DATABASE_URL": database_url_factory().replace("+psycopg", "")}

    done = run_script(project_root, empty, fake_nse, "--index", "NIFTY 50")

    assert done.returncode == 1, done.stderr
    assert done.stdout == "The database is not set up yet: run ./setup.sh first.\n"
    assert fake_nse.paths() == []  # nothing was downloaded
