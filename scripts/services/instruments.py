"""The instrument master: load Upstox's BOD file, search it, resolve what a trader types.

A load replaces the whole table in one transaction, and only after the file has been read
and checked in full: a download that fails, is cut short, is not gzip JSON, or holds fewer
than half the instruments stored now (a truncated or wrong file, not a real delisting) keeps
the previous instruments, and the refusal is recorded with its reason in ``instrument_loads``
beside the successful loads, for the Instruments page and the job history.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from collections.abc import Iterable
from typing import Final

from scripts.clock import IST, utc_now
from scripts.db import Database
from scripts.db.instruments import (
    SEARCH_GROUPS,
    InstrumentLoad,
    InstrumentRecord,
    count_instruments,
    exact_matches,
    latest_load,
    names_starting,
    record_load,
    replace_instruments,
    symbols_starting,
)
from scripts.services.broker import BrokerService
from scripts.services.errors import ServiceError, UpstreamUnavailable, ValidationFailed
from scripts.services.instrument_file import InstrumentFileRejected, read_instrument_file
from scripts.services.instrument_resolver import (
    MAX_QUERY_LENGTH,
    PREFERRED_SEGMENTS,
    InstrumentResolver,
    Resolution,
)

log = logging.getLogger(__name__)
# A new file with fewer rows than this share of the stored ones is taken for a broken file:
# the real NSE file changes by a few hundred contracts a day, never by half.
MIN_SHARE_OF_STORED = 0.5
UPSTOX_FILE: Final = "complete"  # every exchange in one file (docs/UPSTOX_API.md §8)


@dataclass(frozen=True)
class LoadOutcome:
    rows: int
    segment_counts: dict[str, int]
    file_date: date | None
    skipped: int
    message: str


@dataclass(frozen=True)
class InstrumentsStatus:
    total: int
    last_loaded: InstrumentLoad | None
    last_attempt: InstrumentLoad | None


class InstrumentsService:
    def __init__(self, database: Database, broker: BrokerService) -> None:
        self._database = database
        self._broker = broker
        self.resolver = InstrumentResolver(database)

    # --- loading -------------------------------------------------------------------
    def sync(self, file: Path | None = None) -> LoadOutcome:
        """Download (or read ``file``), check, and swap in the instrument list.

        Raises ``UpstreamUnavailable`` naming why when the file is refused; the stored
        instruments are then untouched.
        """
        started = utc_now()
        source = str(file) if file is not None else f"Upstox {UPSTOX_FILE}.json.gz"
        downloaded: Path | None = None
        try:
            if file is None:
                try:
                    downloaded = self._broker.download_instrument_file(UPSTOX_FILE)
                except ServiceError as error:
                    raise InstrumentFileRejected(f"the download failed: {error.message}") from None
                path, file_date = downloaded, datetime.now(IST).date()
            else:
                if not file.is_file():
                    raise ValidationFailed(f"No file {file}; give the path of a .json.gz file.")
                path = file
                file_date = datetime.fromtimestamp(file.stat().st_mtime, IST).date()
            return self._load(path, source, file_date, started)
        except InstrumentFileRejected as rejected:
            raise self._refused(rejected.reason, source, started) from None
        finally:
            if downloaded is not None:
                downloaded.unlink(missing_ok=True)

    def sync_unless_loaded_today(self) -> LoadOutcome | None:
        """The scheduled form: skip when today's file is already stored (a restarted
        scheduler must not download 100 k rows again); load when empty or older."""
        with self._database.read() as connection:
            stored = count_instruments(connection)
            last = latest_load(connection, status="loaded")
        if stored and last is not None and last.file_date == datetime.now(IST).date():
            return None
        return self.sync()

    def _load(self, path: Path, source: str, file_date: date, started: datetime) -> LoadOutcome:
        parsed = read_instrument_file(path)
        rows = len(parsed.rows)
        with self._database.transaction() as connection:
            stored = count_instruments(connection)
            if stored and rows < stored * MIN_SHARE_OF_STORED:
                raise InstrumentFileRejected(
                    f"the file holds only {rows} instruments against {stored} stored "
                    f"(less than {MIN_SHARE_OF_STORED:.0%}): taken for a broken download"
                )
            replace_instruments(connection, parsed.rows)
            message = f"loaded {rows} instruments" + (
                f" ({parsed.skipped} unusable records skipped)" if parsed.skipped else ""
            )
            record_load(
                connection,
                started_at=started,
                finished_at=utc_now(),
                status="loaded",
                source=source,
                file_date=file_date,
                rows=rows,
                segment_counts=parsed.segment_counts,
                message=message,
            )
        log.info("instruments: %s from %s", message, source)
        return LoadOutcome(rows, parsed.segment_counts, file_date, parsed.skipped, message)

    def _refused(self, reason: str, source: str, started: datetime) -> UpstreamUnavailable:
        with self._database.transaction() as connection:
            stored = count_instruments(connection)
            message = f"Kept the previous {stored} instruments: {reason}."
            record_load(
                connection,
                started_at=started,
                finished_at=utc_now(),
                status="rejected",
                source=source,
                file_date=None,
                rows=0,
                segment_counts={},
                message=message,
            )
        log.warning("instruments: %s (%s)", message, source)
        return UpstreamUnavailable(message)

    # --- reading -------------------------------------------------------------------
    def status(self) -> InstrumentsStatus:
        """How many instruments are stored, the last good load and the last attempt."""
        with self._database.read() as connection:
            return InstrumentsStatus(
                total=count_instruments(connection),
                last_loaded=latest_load(connection, status="loaded"),
                last_attempt=latest_load(connection),
            )

    def search(
        self,
        text: str,
        segment: str | None = None,
        instrument_type: str | None = None,
        limit: int = 20,
    ) -> list[InstrumentRecord]:
        """Type-ahead: exact symbol/key/ISIN/token first (NSE before BSE), then symbols that
        start with the text (cash, futures, options in that order), then names."""
        query = " ".join(text.split())
        if not query:
            raise ValidationFailed("Type at least one character to search.", "q")
        if len(query) > MAX_QUERY_LENGTH:
            raise ValidationFailed(f"At most {MAX_QUERY_LENGTH} characters.", "q")
        found: dict[str, InstrumentRecord] = {}
        with self._database.read() as connection:
            exact = exact_matches(connection, query, segment, instrument_type)
            for row in sorted(exact, key=_segment_rank):
                found.setdefault(row.instrument_key, row)
            for group in SEARCH_GROUPS:
                if len(found) >= limit:
                    break
                rows = symbols_starting(
                    connection, query, group, limit - len(found), segment, instrument_type
                )
                for row in rows:
                    found.setdefault(row.instrument_key, row)
            if len(found) < limit:
                for row in names_starting(
                    connection, query, limit - len(found), segment, instrument_type
                ):
                    found.setdefault(row.instrument_key, row)
        return list(found.values())[:limit]

    def resolve(self, text: str) -> Resolution:
        """The instrument ``text`` names (see :mod:`scripts.services.instrument_resolver`)."""
        return self.resolver.resolve(text)

    def known_keys(self, texts: Iterable[str]) -> dict[str, InstrumentRecord]:
        """Texts that are exactly a listed instrument key -> record, in one query."""
        return self.resolver.known_keys(texts)


def _segment_rank(row: InstrumentRecord) -> int:
    try:
        return PREFERRED_SEGMENTS.index(row.segment)
    except ValueError:
        return len(PREFERRED_SEGMENTS)
