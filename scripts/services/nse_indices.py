"""NSE index membership: refresh from NSE's constituent files, and read it back.

A refresh downloads each index through :mod:`scripts.nse` (the only NSE client) and
replaces the stored members only with a file that passed validation. Anything else (an
empty body, an HTML or Akamai page, a 403/404/429, a hang) keeps the last good members and
is recorded per index in ``nse_index_metadata.last_error`` plus a WARNING log line, where
the notifications of a later release pick it up (docs/NSE_INDICES.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from scripts.clock import IST, utc_now
from scripts.db import Database
from scripts.db.nse_indices import (
    IndexChange,
    IndexMember,
    all_metadata,
    index_changes,
    index_members,
    indices_of_symbol,
    member_counts,
    record_failed_attempt,
    replace_index_members,
)
from scripts.nse.catalog import NSE_INDICES, NseIndex, find_index
from scripts.nse.client import IndexDownloadFailed, NseIndexClient
from scripts.services.errors import NotFound

log = logging.getLogger(__name__)

# Index files change at rebalances (twice a year) and on corporate actions; a list not
# refreshed for this long is shown as stale.
STALE_AFTER_DAYS = 7


@dataclass(frozen=True)
class IndexRefresh:
    """What one index's refresh did, in words for the command line and job history."""

    index_name: str
    accepted: bool
    members: int
    added: list[str]
    removed: list[str]
    reason: str | None = None
    source: str | None = None

    def line(self) -> str:
        if self.accepted:
            change = (
                f", +{len(self.added)} -{len(self.removed)}" if self.added or self.removed else ""
            )
            return f"{self.index_name}: accepted {self.members} members{change}"
        kept = f"kept {self.members} stored members" if self.members else "nothing stored yet"
        return f"{self.index_name}: {kept}; download refused: {self.reason}"


@dataclass(frozen=True)
class IndexStatus:
    """One tracked index with its freshness, for the API and pages of a later release."""

    index_name: str
    category: str
    expected_count: int
    member_count: int
    source: str | None
    as_of: date | None
    last_good_at: datetime | None
    last_attempt_at: datetime | None
    last_status: str  # never | bundled | accepted | kept_old
    last_error: str | None
    stale: bool


class NseIndicesService:
    def __init__(
        self,
        database: Database,
        client_factory: Callable[[], NseIndexClient],
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self._client_factory = client_factory
        self._now = now

    def resolve_index(self, text: str) -> NseIndex:
        index = find_index(text)
        if index is None:
            known = ", ".join(i.name for i in NSE_INDICES)
            raise NotFound(f"no tracked NSE index is called {text!r}; use one of: {known}")
        return index

    def refresh(self, names: Sequence[str] | None = None) -> list[IndexRefresh]:
        """Refresh the named indices (all tracked ones without names), one session for all."""
        wanted = [self.resolve_index(n) for n in names] if names else list(NSE_INDICES)
        client = self._client_factory()
        try:
            return [self._refresh_one(client, index) for index in wanted]
        finally:
            client.close()

    def _refresh_one(self, client: NseIndexClient, index: NseIndex) -> IndexRefresh:
        try:
            fetched = client.fetch_index(index)
        except IndexDownloadFailed as failure:
            return self._keep_old(index, failure.reason)
        now = self._now()
        with self.database.transaction() as connection:
            diff = replace_index_members(
                connection,
                index.name,
                [asdict(member) for member in fetched.members],
                source=fetched.url,
                expected_count=index.size,
                today=now.astimezone(IST).date(),
                now=now,
            )
        log.info(
            "NSE index %s: accepted %d members from %s (+%d -%d)",
            index.name,
            len(fetched.members),
            fetched.url,
            len(diff.added),
            len(diff.removed),
        )
        return IndexRefresh(
            index.name, True, len(fetched.members), diff.added, diff.removed, source=fetched.url
        )

    def _keep_old(self, index: NseIndex, reason: str) -> IndexRefresh:
        with self.database.transaction() as connection:
            record_failed_attempt(connection, index.name, index.size, reason, self._now())
            stored = member_counts(connection).get(index.name, 0)
        log.warning(
            "NSE index %s: download refused, keeping %d stored members: %s",
            index.name,
            stored,
            reason,
        )
        return IndexRefresh(index.name, False, stored, [], [], reason=reason)

    def indices(self) -> list[IndexStatus]:
        """Every tracked index with its stored count and how fresh it is."""
        with self.database.read() as connection:
            metadata = all_metadata(connection)
            counts = member_counts(connection)
        today = self._now().astimezone(IST).date()
        found = []
        for index in NSE_INDICES:
            meta = metadata.get(index.name)
            as_of = meta.as_of if meta else None
            found.append(
                IndexStatus(
                    index_name=index.name,
                    category=index.category,
                    expected_count=index.size,
                    member_count=counts.get(index.name, 0),
                    source=meta.source if meta else None,
                    as_of=as_of,
                    last_good_at=meta.last_good_at if meta else None,
                    last_attempt_at=meta.last_attempt_at if meta else None,
                    last_status=meta.last_status if meta else "never",
                    last_error=meta.last_error if meta else None,
                    stale=as_of is None or (today - as_of).days > STALE_AFTER_DAYS,
                )
            )
        return found

    def members(self, index_name: str) -> list[IndexMember]:
        index = self.resolve_index(index_name)
        with self.database.read() as connection:
            return index_members(connection, index.name)

    def indices_of(self, symbol: str) -> list[str]:
        """The tracked indices ``symbol`` (an NSE trading symbol) belongs to."""
        with self.database.read() as connection:
            return indices_of_symbol(connection, symbol)

    def changes(self, index_name: str | None = None, limit: int = 200) -> list[IndexChange]:
        name = self.resolve_index(index_name).name if index_name else None
        with self.database.read() as connection:
            return index_changes(connection, name, limit)
