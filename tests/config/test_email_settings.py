"""E-mail settings: off by default; when switched on, the server and addresses are required."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.config.settings import SettingsError, load_settings
from tests.config.test_settings import GOOD

MAIL = {
    "EMAIL_ENABLED": "true",
    "SMTP_HOST": "smtp.example.com",
    "EMAIL_FROM": "platform@example.com",
    "EMAIL_TO": "trader@example.com, partner@example.com",
}


def load(tmp_path: Path, **overrides: str):
    env = {**GOOD, **overrides}
    return load_settings(environ=env, env_file=tmp_path / "missing.env", project_root=tmp_path)


def test_email_is_off_by_default_and_needs_nothing(tmp_path: Path) -> None:
    settings = load(tmp_path)
    assert settings.email_enabled is False
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_use_tls) == ("", 587, True)
    assert settings.email_to == ()


def test_enabled_email_reads_server_and_every_recipient(tmp_path: Path) -> None:
    settings = load(tmp_path, **MAIL, SMTP_PORT="465", SMTP_USE_TLS="false")
    assert settings.email_enabled and settings.smtp_host == "smtp.example.com"
    assert settings.email_to == ("trader@example.com", "partner@example.com")
    assert (settings.smtp_port, settings.smtp_use_tls) == (465, False)


@pytest.mark.parametrize("missing", ["SMTP_HOST", "EMAIL_FROM", "EMAIL_TO"])
def test_enabled_email_without_server_or_address_names_the_variable(
    tmp_path: Path, missing: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, **{**MAIL, missing: ""})
    message = str(caught.value)
    assert caught.value.variable == missing
    assert message.startswith(f"{missing}: is not set but EMAIL_ENABLED=true. Fix: set {missing}")
    assert "EMAIL_ENABLED=false" in message and "\n" not in message


def test_smtp_login_without_password_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, **MAIL, SMTP_USER="platform@example.com")
    assert caught.value.variable == "SMTP_PASSWORD"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("EMAIL_ENABLED", "maybe", "true or false"),
        ("EMAIL_TO", "trader.example.com", "not an e-mail address"),
        ("SMTP_PORT", "smtp", "1 to 65535"),
    ],
)
def test_malformed_email_value_names_variable_and_fix(
    tmp_path: Path, variable: str, value: str, says: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, **{**MAIL, variable: value})
    assert caught.value.variable == variable and says in str(caught.value)
