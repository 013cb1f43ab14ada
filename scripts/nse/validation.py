"""When a downloaded index file is accepted (docs/NSE_DATA.md §1.4).

All three rules must hold, else the caller keeps the last good membership: the exact
five-column header after stripping a BOM and whitespace, every ISIN of the Indian form,
and a row count within a small tolerance of the index's size. The reason for a refusal is
written for a person reading the job history (it names the payload NSE sent, when known).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

HEADER = ("Company Name", "Industry", "Symbol", "Series", "ISIN Code")
ISIN = re.compile(r"^IN[EF][0-9A-Z]{9}$")


@dataclass(frozen=True)
class Member:
    company_name: str
    industry: str
    symbol: str
    series: str
    isin: str


class InvalidIndexFile(ValueError):
    """The payload is not an acceptable constituents file; ``str()`` says why."""


def describe_payload(text: str) -> str | None:
    """What a non-CSV payload is, in words, for the known failure pages (§1.4)."""
    head = text[:2000].lower()
    if "reference #" in head and "<html" in head:
        return "an Akamai block page"
    if "web app - unavailable" in head or "web app - unavailable" in text.lower():
        return 'an Azure "Web App - Unavailable" page'
    if "<html" in head or "<!doctype" in head:
        return "an HTML page" + (" (Error 404)" if "404" in head else "")
    return None


def parse_index_file(body: bytes, expected_size: int, tolerance: int) -> list[Member]:
    """The members in ``body``, or :class:`InvalidIndexFile` saying which rule failed."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidIndexFile(f"not UTF-8 text ({error.reason})") from error
    text = text.strip().lstrip("\ufeff").strip()
    if not text:
        raise InvalidIndexFile("an empty body")
    known = describe_payload(text)
    if known is not None:
        raise InvalidIndexFile(f"{known}, not a CSV")
    rows = list(csv.reader(io.StringIO(text)))
    header = tuple(cell.strip() for cell in rows[0])
    if header != HEADER:
        raise InvalidIndexFile(f"header is {','.join(header)!r}, expected {','.join(HEADER)!r}")
    members = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            raise InvalidIndexFile(f"line {number} has {len(row)} fields, expected 5")
        name, industry, symbol, series, isin = (cell.strip() for cell in row)
        if not ISIN.match(isin):
            raise InvalidIndexFile(f"line {number}: {isin!r} is not an ISIN")
        if not symbol:
            raise InvalidIndexFile(f"line {number} has no symbol")
        members.append(Member(name, industry, symbol, series, isin))
    if abs(len(members) - expected_size) > tolerance:
        raise InvalidIndexFile(
            f"{len(members)} rows, expected {expected_size} (±{tolerance}) for this index"
        )
    if len({m.symbol for m in members}) != len(members):
        raise InvalidIndexFile("a symbol is listed twice")
    return members
