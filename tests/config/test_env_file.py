"""The .env bootstrap: fresh secrets once, then never touched; new settings appended."""

from __future__ import annotations

import stat
from pathlib import Path

from scripts.config.env_file import ensure_env_file, main, set_env_value
from scripts.config.passwords import verify_password
from scripts.config.settings import PROJECT_ROOT, load_settings


def make_project(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    root.mkdir()
    (root / ".env.example").write_text((PROJECT_ROOT / ".env.example").read_text())
    return root


def test_first_run_generates_valid_distinct_secrets(tmp_path: Path) -> None:
    one, two = make_project(tmp_path, "one"), make_project(tmp_path, "two")
    first = ensure_env_file(one / ".env.example", one / ".env")
    ensure_env_file(two / ".env.example", two / ".env")
    assert first.created and first.dashboard_password
    a = load_settings(environ={}, project_root=one)
    b = load_settings(environ={}, project_root=two)
    assert a.api_key != b.api_key and a.encryption_keys != b.encryption_keys
    assert verify_password(first.dashboard_password, a.dashboard_password_hash)
    assert "=<generated>" not in (one / ".env").read_text()


def test_env_file_is_private(tmp_path: Path) -> None:
    root = make_project(tmp_path, "p")
    ensure_env_file(root / ".env.example", root / ".env")
    assert stat.S_IMODE((root / ".env").stat().st_mode) == 0o600


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path, "p")
    ensure_env_file(root / ".env.example", root / ".env")
    before = (root / ".env").read_bytes()
    again = ensure_env_file(root / ".env.example", root / ".env")
    assert not again.created and again.added_keys == () and again.dashboard_password is None
    assert (root / ".env").read_bytes() == before


def test_new_setting_in_example_is_appended_without_touching_others(tmp_path: Path) -> None:
    root = make_project(tmp_path, "p")
    ensure_env_file(root / ".env.example", root / ".env")
    set_env_value(root / ".env", "API_PORT", "9999")
    with (root / ".env.example").open("a") as handle:
        handle.write("NEW_TOKEN=<generated>\nNEW_FLAG=on\n")
    result = ensure_env_file(root / ".env.example", root / ".env")
    text = (root / ".env").read_text()
    assert result.added_keys == ("NEW_TOKEN", "NEW_FLAG")
    assert "API_PORT=9999" in text and "NEW_FLAG=on" in text
    assert len([line for line in text.splitlines() if line.startswith("NEW_TOKEN=")]) == 1


def test_cli_writes_credentials_file_once(tmp_path: Path, capsys) -> None:
    root = make_project(tmp_path, "p")
    assert main(["ensure", str(root)]) == 0
    credentials = (root / ".dashboard_credentials").read_text()
    assert stat.S_IMODE((root / ".dashboard_credentials").stat().st_mode) == 0o600
    password = credentials.split("password: ")[1].strip()
    assert verify_password(
        password, load_settings(environ={}, project_root=root).dashboard_password_hash
    )
    assert main(["ensure", str(root)]) == 0
    assert (root / ".dashboard_credentials").read_text() == credentials
    assert "Created" in capsys.readouterr().out
