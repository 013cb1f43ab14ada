"""Stored Upstox sessions: one row per login; at most one ``active`` row per mode.

The access token is stored only as Fernet ciphertext made by the token vault;
this module never sees the plain token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from scripts.clock import utc_now
from scripts.db.engine import inserted_id
from scripts.db.schema import broker_tokens


@dataclass(frozen=True)
class StoredToken:
    id: int
    mode: str
    user_id: str
    user_name: str
    email: str
    access_token_encrypted: str
    issued_at: datetime
    expires_at: datetime
    status: str
    status_reason: str | None
    updated_at: datetime


def save_active_token(
    connection: Connection,
    mode: str,
    user_id: str,
    user_name: str,
    email: str,
    encrypted: str,
    issued_at: datetime,
    expires_at: datetime,
) -> int:
    """Store a new login; any earlier active token of the mode becomes ``revoked``."""
    now = utc_now()
    connection.execute(
        update(broker_tokens)
        .where(broker_tokens.c.mode == mode, broker_tokens.c.status == "active")
        .values(status="revoked", status_reason="replaced by a new login", updated_at=now)
    )
    result = connection.execute(
        broker_tokens.insert().values(
            mode=mode,
            user_id=user_id,
            user_name=user_name,
            email=email,
            access_token_encrypted=encrypted,
            issued_at=issued_at,
            expires_at=expires_at,
            status="active",
            updated_at=now,
        )
    )
    return inserted_id(result)


def latest_token(connection: Connection, mode: str) -> StoredToken | None:
    """The newest token of the mode, whatever its status (so 'expired' can be shown)."""
    row = connection.execute(
        select(broker_tokens)
        .where(broker_tokens.c.mode == mode)
        .order_by(broker_tokens.c.id.desc())
        .limit(1)
    ).first()
    return StoredToken(**row._mapping) if row else None


def set_token_status(
    connection: Connection,
    token_id: int,
    status: str,
    reason: str,
    from_statuses: tuple[str, ...] = ("active",),
) -> bool:
    """Move a token in one of ``from_statuses`` (by default: active) to ``expired`` or
    ``revoked``; False if it was in none of them."""
    result = connection.execute(
        update(broker_tokens)
        .where(broker_tokens.c.id == token_id, broker_tokens.c.status.in_(from_statuses))
        .values(status=status, status_reason=reason, updated_at=utc_now())
    )
    return bool(result.rowcount)


def reencrypt_tokens(connection: Connection, rotate: Callable[[str], str]) -> int:
    """Re-encrypt every stored token with ``rotate(ciphertext) -> ciphertext`` (key rotation)."""
    rows = connection.execute(select(broker_tokens.c.id, broker_tokens.c.access_token_encrypted))
    count = 0
    for token_id, ciphertext in rows.all():
        connection.execute(
            update(broker_tokens)
            .where(broker_tokens.c.id == token_id)
            .values(access_token_encrypted=rotate(ciphertext))
        )
        count += 1
    return count
