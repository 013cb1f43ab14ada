"""./authenticate.sh's login in sandbox mode, for real: dialog, callback, token exchange."""

from __future__ import annotations

import subprocess
import sys


from scripts.api.app import create_app
from scripts.config.settings import PROJECT_ROOT
from scripts.services.broker import BrokerService
from tests.conftest import LiveServer
from tests.cli.cli_runner import run_command


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return run_command("scripts.cli.authenticate", env, *args)


def test_login_without_a_running_api_listens_on_the_redirect_uri(
    cli_env, sandbox_settings, database
) -> None:
    result = run_cli(cli_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Logged in to Upstox (sandbox)" in result.stdout and "03:30 IST" in result.stdout
    token = BrokerService(sandbox_settings, database).vault.access_token()
    assert token and token not in result.stdout + result.stderr
    status = subprocess.run(
        [sys.executable, "-m", "scripts.cli.session", "status"],
        cwd=PROJECT_ROOT,
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert status.returncode == 0 and "active" in status.stdout


def test_login_through_the_running_api(cli_env, sandbox_settings, database) -> None:
    server = LiveServer(create_app(sandbox_settings, database), sandbox_settings.api_port).start()
    try:
        result = run_cli(cli_env)
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert BrokerService(sandbox_settings, database).vault.state().state == "active"


def test_logout_command_revokes_the_session(cli_env, sandbox_settings, database) -> None:
    assert run_cli(cli_env).returncode == 0
    result = subprocess.run(
        [sys.executable, "-m", "scripts.cli.session", "logout"],
        cwd=PROJECT_ROOT,
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "logged out at Upstox" in result.stdout
    assert BrokerService(sandbox_settings, database).vault.state().state == "revoked"


def test_unreachable_sandbox_gives_a_clear_message(cli_env) -> None:
    result = run_cli({**cli_env, "UPSTOX_SANDBOX_URL": "http://127.0.0.1:1"})
    assert result.returncode == 1
    assert "./start_nicegui.sh starts it" in result.stdout
    assert "Traceback" not in result.stderr


def test_key_rotation_command_reencrypts_with_the_new_key(
    cli_env, sandbox_settings, database
) -> None:
    from scripts.config.env_file import fernet_key

    assert run_cli(cli_env).returncode == 0
    token = BrokerService(sandbox_settings, database).vault.access_token()
    new_key = fernet_key()
    rotated_env = {**cli_env, "ENCRYPTION_KEY": f"{new_key},{cli_env['ENCRYPTION_KEY']}"}
    result = subprocess.run(
        [sys.executable, "-m", "scripts.cli.rotate_key"],
        cwd=PROJECT_ROOT,
        env=rotated_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "Re-encrypted 1" in result.stdout
    from scripts.services.token_vault import TokenVault

    assert TokenVault(database, (new_key,), "sandbox").access_token() == token


def test_login_uses_the_running_platforms_api_port_and_says_so(
    cli_env, sandbox_settings, database
) -> None:
    """Platform started with API_PORT=<A>; this shell's settings say <B>: <A> is used."""
    from scripts.launcher.state import addresses_of, state_path, write_state
    from tests.conftest import free_port

    launcher = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], cwd=PROJECT_ROOT
    )
    server = LiveServer(create_app(sandbox_settings, database), sandbox_settings.api_port).start()
    try:
        write_state(
            state_path(sandbox_settings),
            {"launcher_pid": launcher.pid, "addresses": addresses_of(sandbox_settings)},
        )
        other_shell = {**cli_env, "API_PORT": str(free_port())}
        result = run_cli(other_shell)
    finally:
        server.stop()
        launcher.kill()
        launcher.wait(timeout=10)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(
        f"Using the API at {sandbox_settings.api_url} (ports of the running platform, from "
        f"{state_path(sandbox_settings)})."
    )
    assert BrokerService(sandbox_settings, database).vault.state().state == "active"


def test_login_without_a_platform_says_which_api_url_it_checked(cli_env) -> None:
    result = run_cli(cli_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(
        f"No API answers at http://127.0.0.1:{cli_env['API_PORT']} (ports from .env and the "
        "environment); logging in without it."
    )
