"""Turn what a trader types into one instrument_key, or say exactly why not.

Accepted, in the order tried:

- an instrument key: ``NSE_EQ|INE002A01018``, ``NSE_INDEX|Nifty 50``;
- an ISIN: ``INE002A01018``;
- ``EXCHANGE:SYMBOL`` (``NSE:RELIANCE``, ``BSE:RELIANCE``, ``NFO:NIFTY25APRFUT``, or a segment
  such as ``NSE_EQ:RELIANCE``);
- an index name: ``NIFTY 50``, ``NIFTY BANK`` (also ``NIFTY``, ``BANKNIFTY``);
- a trading symbol as stored, e.g. ``RELIANCE`` or the spaced F&O form of the BOD file
  ``NIFTY 21600 PE 30 APR 25``;
- a compact F&O symbol, as Upstox's quote keys and NSE use it: weekly
  ``NIFTY2543021600PE`` (year, month 1-9/O/N/D, day, strike), monthly ``NIFTY25APR21600PE``,
  futures ``NIFTY25APRFUT``. These are looked up by underlying, expiry, strike and type, so
  they resolve only where the stored rows carry those fields.

Ambiguity: a bare symbol listed on several exchanges (RELIANCE on NSE_EQ and BSE_EQ)
resolves to the NSE row, as Kite and Upstox Pro do, and the answer says so and lists the
others (``note``, ``alternatives``): a type-ahead must not stop at a question every time. When
no NSE row settles it (two rows of the same segment, or only BSE and MCX rows), the answer is
409 listing the candidates, so the caller picks one by key or ``EXCHANGE:SYMBOL``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from scripts.db import Connection, Database
from scripts.db.instruments import (
    InstrumentRecord,
    contracts,
    count_instruments,
    instrument_by_key,
    instruments_by_keys,
    instruments_by_isin,
    instruments_by_name,
    instruments_by_symbol,
)
from scripts.services.errors import Conflict, NotFound, ValidationFailed

MAX_QUERY_LENGTH = 64
ISIN = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# NSE's weekly-expiry month code: 1-9 for January to September, then O, N, D.
WEEKLY_MONTH = {**{str(m): m for m in range(1, 10)}, "O": 10, "N": 11, "D": 12}
COMPACT_WEEKLY = re.compile(r"^([A-Z&-]+?)(\d{2})([1-9OND])(\d{2})(\d+(?:\.\d+)?)(CE|PE)$")
COMPACT_MONTHLY = re.compile(
    r"^([A-Z&-]+?)(\d{2})(" + "|".join(MONTHS) + r")(?:(\d+(?:\.\d+)?)(CE|PE)|(FUT))$"
)
SPACED_OPTION = re.compile(
    r"^([A-Z&-]+) (\d+(?:\.\d+)?) (CE|PE) (\d{1,2}) (" + "|".join(MONTHS) + r") (\d{2})$"
)
# Upstox's index keys carry NSE's index names; traders also type the F&O underlying's symbol.
INDEX_ALIASES = {
    "NIFTY": "NSE_INDEX|Nifty 50",
    "NIFTY50": "NSE_INDEX|Nifty 50",
    "BANKNIFTY": "NSE_INDEX|Nifty Bank",
    "NIFTYBANK": "NSE_INDEX|Nifty Bank",
}
INDEX_SEGMENTS = ("NSE_INDEX", "BSE_INDEX")
# What "NSE:" or "BSE:" means in front of a symbol: cash first, then the exchange's indices.
EXCHANGE_SEGMENTS = {
    "NSE": ("NSE_EQ", "NSE_INDEX"),
    "BSE": ("BSE_EQ", "BSE_INDEX"),
    "NFO": ("NSE_FO",),
    "BFO": ("BSE_FO",),
    "MCX": ("MCX_FO", "MCX_INDEX"),
    "CDS": ("NCD_FO",),
}
# A bare symbol found in several segments resolves to the first of these that has it.
PREFERRED_SEGMENTS = ("NSE_EQ", "NSE_INDEX", "NSE_FO")


@dataclass(frozen=True)
class Resolution:
    instrument: InstrumentRecord
    matched_by: str  # key | isin | symbol | index | contract
    note: str | None = None
    alternatives: list[str] = field(default_factory=list)


class InstrumentResolver:
    def __init__(self, database: Database) -> None:
        self._database = database

    def resolve(self, text: str) -> Resolution:
        """The one instrument ``text`` names; 422 if malformed, 404 unknown, 409 ambiguous."""
        query = " ".join(text.split())
        if not query:
            raise ValidationFailed("Type a symbol, ISIN or instrument key to resolve.", "q")
        if len(query) > MAX_QUERY_LENGTH:
            raise ValidationFailed(f"At most {MAX_QUERY_LENGTH} characters.", "q")
        with self._database.read() as connection:
            if "|" in query:
                return self._by_key(connection, query)
            upper = query.upper()
            if ISIN.match(upper):
                found = instruments_by_isin(connection, upper)
                if found:
                    return self._choose(found, query, "isin")
            if ":" in query:
                return self._by_exchange(connection, query)
            for attempt in (self._by_symbol, self._by_index, self._by_contract):
                resolution = attempt(connection, upper)
                if resolution is not None:
                    return resolution
            raise self._unknown(connection, query)

    def known_keys(self, texts: Iterable[str]) -> dict[str, InstrumentRecord]:
        """The texts that are, exactly as written, a listed instrument key -> its record.

        One query for them all (a poll of 500 keys is one round trip, not 500); what
        ``resolve`` would answer for each of them by key. Anything else (a symbol, a key
        with stray spaces or a lower-case segment, an unknown key) is simply absent: pass
        those to ``resolve``, which normalises them or refuses them with its messages.
        """
        candidates = [
            text
            for text in texts
            if "|" in text and len(text) <= MAX_QUERY_LENGTH and text == " ".join(text.split())
        ]
        if not candidates:
            return {}
        with self._database.read() as connection:
            return instruments_by_keys(connection, candidates)

    def _by_key(self, connection: Connection, query: str) -> Resolution:
        segment, _, rest = query.partition("|")
        for key in (query, f"{segment.strip().upper()}|{rest.strip()}"):
            found = instrument_by_key(connection, key)
            if found is not None:
                return Resolution(found, "key")
        raise self._unknown(connection, query, what="instrument key")

    def _by_exchange(self, connection: Connection, query: str) -> Resolution:
        exchange, _, symbol = (part.strip().upper() for part in query.partition(":"))
        segments = EXCHANGE_SEGMENTS.get(exchange)
        if segments is None and "_" in exchange:
            segments = (exchange,)
        if segments is None or not symbol:
            known = ", ".join(EXCHANGE_SEGMENTS)
            raise ValidationFailed(
                f"{query!r} is not EXCHANGE:SYMBOL; use one of {known} (or a segment such as "
                "NSE_EQ) before the colon, e.g. NSE:RELIANCE.",
                "q",
            )
        found = instruments_by_symbol(connection, symbol, segments)
        if not found:
            found = instruments_by_name(connection, symbol, segments)
        if not found:
            contract = self._by_contract(connection, symbol, segments)
            if contract is not None:
                return contract
            raise self._unknown(connection, query, what=f"symbol on {exchange}")
        return self._choose(found, query, "symbol", preferred=segments)

    def _by_symbol(self, connection: Connection, upper: str) -> Resolution | None:
        found = instruments_by_symbol(connection, upper)
        return self._choose(found, upper, "symbol") if found else None

    def _by_index(self, connection: Connection, upper: str) -> Resolution | None:
        alias = INDEX_ALIASES.get(upper.replace(" ", ""))
        if alias is not None:
            found = instrument_by_key(connection, alias)
            if found is not None:
                return Resolution(found, "index")
        named = instruments_by_name(connection, upper, INDEX_SEGMENTS)
        return self._choose(named, upper, "index") if named else None

    def _by_contract(
        self, connection: Connection, upper: str, segments: tuple[str, ...] | None = None
    ) -> Resolution | None:
        wanted = parse_contract(upper)
        if wanted is None:
            return None
        underlying, kind, first, last, strike = wanted
        found = contracts(connection, underlying, kind, first, last, strike)
        if segments is not None:
            found = [row for row in found if row.segment in segments]
        if first != last and len(found) > 1:
            # A monthly symbol names the month's last expiry (the monthly contract).
            found = [row for row in found if row.expiry == max(r.expiry for r in found if r.expiry)]
        return self._choose(found, upper, "contract") if found else None

    def _choose(
        self,
        found: list[InstrumentRecord],
        query: str,
        matched_by: str,
        preferred: tuple[str, ...] = PREFERRED_SEGMENTS,
    ) -> Resolution:
        if len(found) == 1:
            return Resolution(found[0], matched_by)
        for segment in preferred:
            in_segment = [row for row in found if row.segment == segment]
            if len(in_segment) == 1:
                others = [row.instrument_key for row in found if row is not in_segment[0]]
                listed = sorted({row.segment for row in found if row is not in_segment[0]})
                return Resolution(
                    in_segment[0],
                    matched_by,
                    note=f"{query!r} is also listed on {', '.join(listed)}; {segment} chosen. "
                    "Name the exchange (e.g. BSE:SYMBOL) or give the key for another.",
                    alternatives=others,
                )
            if in_segment:
                break
        candidates = ", ".join(f"{row.instrument_key} ({row.trading_symbol})" for row in found)
        raise Conflict(
            f"{query!r} matches {len(found)} instruments: {candidates}. "
            "Give the instrument key or EXCHANGE:SYMBOL.",
            "q",
        )

    def _unknown(self, connection: Connection, query: str, what: str = "instrument") -> NotFound:
        if count_instruments(connection) == 0:
            return NotFound(
                "The instrument list is empty: load it with "
                "`python -m scripts.cli.instruments sync` (the scheduler does it daily).",
                "q",
            )
        return NotFound(
            f"No {what} matches {query!r}. Search with GET /api/instruments/search?q= to find "
            "the symbol or key.",
            "q",
        )


def parse_contract(upper: str) -> tuple[str, str, date, date, float | None] | None:
    """(underlying, type, first expiry, last expiry, strike) named by an F&O symbol, or None.

    A weekly or spaced symbol names one day; a monthly one a whole month (its last expiry).
    """
    try:
        if match := COMPACT_WEEKLY.match(upper):
            symbol, yy, month, day, strike, kind = match.groups()
            expiry = date(2000 + int(yy), WEEKLY_MONTH[month], int(day))
            return symbol, kind, expiry, expiry, float(strike)
        if match := SPACED_OPTION.match(upper):
            symbol, strike, kind, day, month, yy = match.groups()
            expiry = date(2000 + int(yy), MONTHS.index(month) + 1, int(day))
            return symbol, kind, expiry, expiry, float(strike)
        if match := COMPACT_MONTHLY.match(upper):
            symbol, yy, month, strike, kind, fut = match.groups()
            year, number = 2000 + int(yy), MONTHS.index(month) + 1
            first = date(year, number, 1)
            last = date(year, number, calendar.monthrange(year, number)[1])
            if fut:
                return symbol, "FUT", first, last, None
            return symbol, kind, first, last, float(strike)
    except ValueError:  # e.g. day 31 of a 30-day month: not a contract anyone listed
        return None
    return None
