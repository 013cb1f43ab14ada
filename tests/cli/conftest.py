"""What the command-line tests share: the environment a user's shell would have."""

from __future__ import annotations

import os

import pytest
from dotenv import dotenv_values


@pytest.fixture
def cli_env(project_root, settings_env, sandbox_process) -> dict[str, str]:
    """The test project's .env secrets and settings over this shell's environment."""
    secrets = {k: v for k, v in dotenv_values(project_root / ".env").items() if v is not None}
    env = {k: v for k, v in os.environ.items() if k not in secrets and k != "DATABASE_URL"}
    return {**env, **secrets, **settings_env, "UPSTOX_SANDBOX_URL": sandbox_process.url}
