"""Fixtures for the end-to-end tests: a fresh copy of the checkout on free ports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port, postgres_url
from tests.e2e.platform_copy import FOREIGN_VARIABLES, PORT_SETTINGS, copy_checkout


@pytest.fixture
def platform_copy(tmp_path: Path, database_url_factory) -> Iterator[tuple[Path, dict]]:
    """A copy of the checkout and the environment of a shell that starts it on free ports."""
    root = tmp_path / "checkout"
    root.mkdir()
    copy_checkout(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_VARIABLES)}
    env.update({name: str(free_port()) for name in PORT_SETTINGS})
    if postgres_url():
        env["DATABASE_URL"] = database_url_factory().replace("+psycopg", "")
    yield root, env
