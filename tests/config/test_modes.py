"""Trading modes: one enum, read from UPSTOX_MODE, equal to the words the trader writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.config.modes import TradingMode
from scripts.config.settings import load_settings
from scripts.upstox.hosts import LIVE_API, hosts_for_mode
from tests.config.test_settings import GOOD, LIVE_APP


@pytest.mark.parametrize("written", ["live", " LIVE ", "Live"])
def test_upstox_mode_is_read_into_the_enum_whatever_its_case(tmp_path: Path, written: str) -> None:
    env = {**GOOD, **LIVE_APP, "UPSTOX_MODE": written}
    settings = load_settings(environ=env, env_file=tmp_path / "none.env", project_root=tmp_path)
    assert settings.mode is TradingMode.LIVE and settings.mode == "live"


def test_each_mode_has_its_label_and_only_sandbox_uses_the_demo_app() -> None:
    labels = {mode.value: (mode.label, mode.uses_real_upstox_app) for mode in TradingMode}
    assert labels == {
        "sandbox": ("SANDBOX", False),
        "live": ("LIVE", True),
        "upstox-sandbox": ("SANDBOX", True),
    }


def test_hosts_follow_the_mode_given_as_enum_or_word() -> None:
    assert hosts_for_mode(TradingMode.LIVE).api == LIVE_API
    assert hosts_for_mode("sandbox", "http://127.0.0.1:9100").mode is TradingMode.SANDBOX
    with pytest.raises(ValueError, match="expected one of sandbox, live, upstox-sandbox"):
        hosts_for_mode("paper")
