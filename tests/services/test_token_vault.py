"""Token vault: Upstox's 03:30 IST expiry rule, MultiFernet key rotation."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from scripts.config.env_file import fernet_key
from scripts.services.token_vault import TokenVault, upstox_expiry

IST = ZoneInfo("Asia/Kolkata")


def jwt_with_exp(exp: datetime) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"exp": int(exp.timestamp())}).encode())
    return f"eyJhbGciOiJIUzI1NiJ9.{payload.decode().rstrip('=')}.c2ln"


def test_token_issued_in_the_day_expires_at_0330_next_day() -> None:
    issued = datetime(2026, 11, 25, 10, 0, tzinfo=IST)
    assert upstox_expiry(issued) == datetime(2026, 11, 26, 3, 30, tzinfo=IST)


def test_token_issued_before_0330_dies_the_same_morning() -> None:
    issued = datetime(2026, 11, 25, 2, 30, tzinfo=IST)
    assert upstox_expiry(issued) == datetime(2026, 11, 25, 3, 30, tzinfo=IST)


def test_earlier_jwt_exp_wins() -> None:
    issued = datetime(2026, 11, 25, 10, 0, tzinfo=IST)
    exp = datetime(2026, 11, 25, 18, 0, tzinfo=IST)
    assert upstox_expiry(issued, jwt_with_exp(exp)) == exp
    assert upstox_expiry(issued, "opaque-token") == datetime(2026, 11, 26, 3, 30, tzinfo=IST)


def test_expired_token_is_not_handed_out(database) -> None:
    vault = TokenVault(database, (fernet_key(),), "sandbox")
    vault.store("tok", "U1", "User", "", issued_at=datetime(2020, 1, 1, tzinfo=timezone.utc))
    assert vault.access_token() is None
    assert vault.state().state == "expired"


def test_key_rotation_keeps_tokens_readable(database) -> None:
    old, new = fernet_key(), fernet_key()
    TokenVault(database, (old,), "live").store("live-token-123", "U1", "User", "")
    both = TokenVault(database, (new, old), "live")
    assert both.access_token() == "live-token-123"
    assert both.rotate_keys() == 1
    assert TokenVault(database, (new,), "live").access_token() == "live-token-123"
    wrong = TokenVault(database, (fernet_key(),), "live")
    assert wrong.access_token() is None and wrong.state().state == "expired"


def test_sessions_are_kept_per_mode(database) -> None:
    TokenVault(database, (key := fernet_key(),), "sandbox").store("sbx", "S1", "S", "")
    assert TokenVault(database, (key,), "live").state().state == "none"


def test_logout_revokes_a_session_a_racing_401_marked_expired_a_moment_before(database) -> None:
    """A page's read refused by Upstox because the logout reached it first marks the session
    expired; the logout that follows still records what the user did."""
    vault = TokenVault(database, (fernet_key(),), "sandbox")
    vault.store("tok", "U1", "User", "")
    vault.mark_expired("Upstox rejected the token (UDAPI100050)")
    assert vault.state().state == "expired"
    vault.revoke("logged out")
    assert vault.state().state == "revoked" and vault.state().reason == "logged out"
    vault.mark_expired("a late 401")
    assert vault.state().state == "revoked"
