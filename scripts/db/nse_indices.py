"""SQL of the NSE index data: membership, sector info, per-index metadata, changes.

A refresh writes an index's members only after its file passed validation; a failed
attempt touches nothing but the metadata row (status, time and reason), so the last good
membership always stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from scripts.db.schema import (
    instruments,
    nse_index_changes,
    nse_index_membership,
    nse_index_metadata,
    nse_sector_info,
)
from scripts.db.upsert import upsert_rows


@dataclass(frozen=True)
class IndexMember:
    index_name: str
    symbol: str
    company_name: str
    industry: str
    series: str
    isin: str
    instrument_key: str | None
    first_seen: date
    last_seen: date
    source: str


@dataclass(frozen=True)
class IndexMetadata:
    index_name: str
    expected_count: int
    found_count: int
    source: str
    as_of: date | None
    last_good_at: datetime | None
    last_attempt_at: datetime | None
    last_status: str
    last_error: str | None


@dataclass(frozen=True)
class IndexChange:
    index_name: str
    symbol: str
    isin: str
    company_name: str
    change: str  # added | removed
    change_date: date


@dataclass(frozen=True)
class MembershipDiff:
    added: list[str]
    removed: list[str]
    kept: int


def index_members(connection: Connection, index_name: str) -> list[IndexMember]:
    rows = connection.execute(
        select(nse_index_membership)
        .where(nse_index_membership.c.index_name == index_name)
        .order_by(nse_index_membership.c.symbol)
    )
    return [IndexMember(**row._mapping) for row in rows]


def indices_of_symbol(connection: Connection, symbol: str) -> list[str]:
    rows = connection.execute(
        select(nse_index_membership.c.index_name)
        .where(nse_index_membership.c.symbol == symbol.upper())
        .order_by(nse_index_membership.c.index_name)
    )
    return list(rows.scalars())


def member_counts(connection: Connection) -> dict[str, int]:
    rows = connection.execute(
        select(nse_index_membership.c.index_name, func.count()).group_by(
            nse_index_membership.c.index_name
        )
    )
    return {str(row[0]): int(row[1]) for row in rows}


def all_metadata(connection: Connection) -> dict[str, IndexMetadata]:
    rows = connection.execute(select(nse_index_metadata))
    return {row.index_name: IndexMetadata(**row._mapping) for row in rows}


def index_changes(
    connection: Connection, index_name: str | None = None, limit: int = 200
) -> list[IndexChange]:
    query = select(
        nse_index_changes.c.index_name,
        nse_index_changes.c.symbol,
        nse_index_changes.c.isin,
        nse_index_changes.c.company_name,
        nse_index_changes.c.change,
        nse_index_changes.c.change_date,
    )
    if index_name is not None:
        query = query.where(nse_index_changes.c.index_name == index_name)
    query = query.order_by(
        nse_index_changes.c.change_date.desc(), nse_index_changes.c.id.desc()
    ).limit(limit)
    return [IndexChange(**row._mapping) for row in connection.execute(query)]


def sector_of(connection: Connection, symbol: str) -> tuple[str, str | None] | None:
    row = connection.execute(
        select(nse_sector_info.c.sector, nse_sector_info.c.industry).where(
            nse_sector_info.c.symbol == symbol.upper()
        )
    ).first()
    return None if row is None else (row.sector, row.industry)


def nse_keys_by_isin(connection: Connection, isins: Sequence[str]) -> dict[str, str]:
    """ISIN -> NSE equity instrument key, for those the instrument list holds."""
    if not isins:
        return {}
    rows = connection.execute(
        select(instruments.c.isin, instruments.c.instrument_key).where(
            instruments.c.segment == "NSE_EQ", instruments.c.isin.in_(list(isins))
        )
    )
    return {str(row[0]): str(row[1]) for row in rows}


def replace_index_members(
    connection: Connection,
    index_name: str,
    members: Sequence[dict[str, Any]],
    *,
    source: str,
    expected_count: int,
    today: date,
    now: datetime,
) -> MembershipDiff:
    """Make ``members`` (dicts of company_name, industry, symbol, series, isin) the index's
    membership: new symbols are added (first seen today), missing ones removed, both noted
    in the changes; metadata and sector info follow. Only call with a validated file."""
    current = {m.symbol: m for m in index_members(connection, index_name)}
    wanted = {str(m["symbol"]): m for m in members}
    keys = nse_keys_by_isin(connection, [str(m["isin"]) for m in members])
    # A bundled list is a snapshot, not an observation: its members were not "added" today.
    replacing_bundle = bool(current) and all(m.source == "bundled" for m in current.values())
    added = sorted(set(wanted) - set(current))
    removed = sorted(set(current) - set(wanted))
    rows = [
        {
            "index_name": index_name,
            "symbol": symbol,
            "company_name": m["company_name"],
            "industry": m["industry"],
            "series": m["series"],
            "isin": m["isin"],
            "instrument_key": keys.get(str(m["isin"])),
            "first_seen": current[symbol].first_seen if symbol in current else today,
            "last_seen": today,
            "source": "nse",
        }
        for symbol, m in wanted.items()
    ]
    if removed:
        connection.execute(
            delete(nse_index_membership).where(
                nse_index_membership.c.index_name == index_name,
                nse_index_membership.c.symbol.in_(removed),
            )
        )
    upsert_rows(connection, nse_index_membership, rows, ["index_name", "symbol"])
    changes = [
        _change(index_name, wanted[s], "added", today) for s in added if not replacing_bundle
    ] + [
        _change(index_name, _as_dict(current[s]), "removed", today)
        for s in removed
        if not replacing_bundle
    ]
    if changes:
        connection.execute(nse_index_changes.insert(), changes)
    upsert_rows(
        connection,
        nse_sector_info,
        [
            {"symbol": r["symbol"], "sector": r["industry"], "isin": r["isin"], "updated_at": now}
            for r in rows
        ],
        ["symbol"],
    )
    upsert_rows(
        connection,
        nse_index_metadata,
        [
            {
                "index_name": index_name,
                "expected_count": expected_count,
                "found_count": len(rows),
                "source": source,
                "as_of": today,
                "last_good_at": now,
                "last_attempt_at": now,
                "last_status": "accepted",
                "last_error": None,
            }
        ],
        ["index_name"],
    )
    return MembershipDiff(added, removed, len(set(wanted) & set(current)))


def record_failed_attempt(
    connection: Connection, index_name: str, expected_count: int, reason: str, now: datetime
) -> None:
    """Note a refused download; the stored members, counts and last good time stay."""
    updated = connection.execute(
        update(nse_index_metadata)
        .where(nse_index_metadata.c.index_name == index_name)
        .values(last_attempt_at=now, last_status="kept_old", last_error=reason)
    )
    if updated.rowcount == 0:
        connection.execute(
            nse_index_metadata.insert().values(
                index_name=index_name,
                expected_count=expected_count,
                found_count=0,
                source="",
                as_of=None,
                last_good_at=None,
                last_attempt_at=now,
                last_status="kept_old",
                last_error=reason,
            )
        )


def _as_dict(member: IndexMember) -> dict[str, Any]:
    return {"symbol": member.symbol, "isin": member.isin, "company_name": member.company_name}


def _change(index_name: str, member: dict[str, Any], change: str, day: date) -> dict[str, Any]:
    return {
        "index_name": index_name,
        "symbol": member["symbol"],
        "isin": member["isin"],
        "company_name": member["company_name"],
        "change": change,
        "change_date": day,
    }
