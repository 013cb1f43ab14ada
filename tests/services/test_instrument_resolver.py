"""The resolver and the type-ahead search over a small, hand-made instrument file
(real gzip JSON loaded through the real loader into a real database)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from sqlalchemy import event

from scripts.clock import IST
from scripts.config.settings import Settings
from scripts.db import Database
from scripts.services.container import PlatformServices, build_services
from scripts.services.errors import Conflict, NotFound, ValidationFailed
from scripts.services.instrument_resolver import parse_contract
from tests.instrument_files import equity, index, option, write_gzip_json

CLOSE = (15, 30)


def on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, *CLOSE, tzinfo=IST)


RECORDS = [
    equity("RELIANCE", "INE002A01018", "NSE_EQ", token="2885"),
    equity("RELIANCE", "INE002A01018", "BSE_EQ", token="500325"),
    equity("RELAXO", "INE131B01039", "NSE_EQ", token="10447"),
    equity("RELIANCEPP", "INE002A01026", "NSE_EQ", token="9999"),
    equity("TWIN", "INE000T01011", "BSE_EQ", token="700001"),
    {**equity("TWIN", "INE000T01029", "BSE_EQ", token="700002"), "instrument_key": "BSE_EQ|T2"},
    index("NSE_INDEX|Nifty 50", "NIFTY"),
    index("NSE_INDEX|Nifty Bank", "BANKNIFTY"),
    option("NIFTY", 21600, "PE", on(date(2025, 4, 30)), "40001"),
    option("NIFTY", 21600, "CE", on(date(2025, 4, 30)), "40002"),
    option("NIFTY", 21600, "PE", on(date(2025, 5, 22)), "40003"),
    option("NIFTY", 21600, "PE", on(date(2025, 5, 29)), "40004", weekly=False),
    {
        **option("NIFTY", 0, "PE", on(date(2025, 5, 29)), "40005", weekly=False),
        "instrument_type": "FUT",
        "trading_symbol": "NIFTY FUT 29 MAY 25",
        "strike_price": 0.0,
    },
    option("RELIANCE", 1300, "CE", on(date(2025, 5, 29)), "40006", weekly=False),
]


@pytest.fixture
def loaded(settings: Settings, database: Database, tmp_path: Path) -> Iterator[PlatformServices]:
    services = build_services(settings, database)
    services.instruments.sync(write_gzip_json(tmp_path / "complete.json.gz", RECORDS))
    yield services
    services.close()


@pytest.mark.parametrize(
    ("text", "key", "matched_by"),
    [
        ("NSE_EQ|INE002A01018", "NSE_EQ|INE002A01018", "key"),
        ("nse_eq|INE002A01018", "NSE_EQ|INE002A01018", "key"),
        ("BSE_EQ|INE002A01018", "BSE_EQ|INE002A01018", "key"),
        ("NSE:RELIANCE", "NSE_EQ|INE002A01018", "symbol"),
        ("bse:reliance", "BSE_EQ|INE002A01018", "symbol"),
        ("NSE_EQ:RELAXO", "NSE_EQ|INE131B01039", "symbol"),
        ("INE131B01039", "NSE_EQ|INE131B01039", "isin"),
        ("RELAXO", "NSE_EQ|INE131B01039", "symbol"),
        ("  relaxo ", "NSE_EQ|INE131B01039", "symbol"),
        ("NIFTY 50", "NSE_INDEX|Nifty 50", "index"),
        ("NIFTY BANK", "NSE_INDEX|Nifty Bank", "index"),
        ("Nifty Bank", "NSE_INDEX|Nifty Bank", "index"),
        ("NIFTY", "NSE_INDEX|Nifty 50", "symbol"),
        ("NSE:NIFTY 50", "NSE_INDEX|Nifty 50", "symbol"),
        ("NIFTY 21600 PE 30 APR 25", "NSE_FO|40001", "symbol"),
        ("nifty  21600 pe 30 apr 25", "NSE_FO|40001", "symbol"),
        ("NIFTY2543021600PE", "NSE_FO|40001", "contract"),
        ("NIFTY2543021600CE", "NSE_FO|40002", "contract"),
        ("NIFTY2552221600PE", "NSE_FO|40003", "contract"),
        ("NIFTY25MAY21600PE", "NSE_FO|40004", "contract"),
        ("NIFTY25MAYFUT", "NSE_FO|40005", "contract"),
        ("NFO:NIFTY2543021600PE", "NSE_FO|40001", "contract"),
    ],
)
def test_resolver_turns_what_a_trader_types_into_one_key(
    loaded, text: str, key: str, matched_by: str
) -> None:
    found = loaded.instruments.resolve(text)
    assert (found.instrument.instrument_key, found.matched_by) == (key, matched_by)


def test_a_symbol_on_nse_and_bse_resolves_to_nse_and_says_so(loaded) -> None:
    found = loaded.instruments.resolve("RELIANCE")

    assert found.instrument.instrument_key == "NSE_EQ|INE002A01018"
    assert found.note is not None and "BSE_EQ" in found.note and "NSE_EQ chosen" in found.note
    assert found.alternatives == ["BSE_EQ|INE002A01018"]


def test_an_isin_on_two_exchanges_resolves_to_nse(loaded) -> None:
    found = loaded.instruments.resolve("INE002A01018")
    assert found.instrument.segment == "NSE_EQ" and found.alternatives == ["BSE_EQ|INE002A01018"]


def test_a_symbol_nse_cannot_settle_is_a_conflict_listing_the_candidates(loaded) -> None:
    with pytest.raises(Conflict) as ambiguous:
        loaded.instruments.resolve("TWIN")
    assert "BSE_EQ|INE000T01011" in ambiguous.value.message
    assert "BSE_EQ|T2" in ambiguous.value.message
    assert ambiguous.value.field == "q"


@pytest.mark.parametrize(
    "text",
    ["NSE_EQ|BOGUS123", "BOGUS", "NSE:TWIN", "INE999Z99999", "NIFTY2543021700PE", "NIFTY25JUNFUT"],
)
def test_unknown_instruments_are_not_found_with_a_hint(loaded, text: str) -> None:
    with pytest.raises(NotFound) as unknown:
        loaded.instruments.resolve(text)
    assert "GET /api/instruments/search" in unknown.value.message


@pytest.mark.parametrize("text", ["", "   ", "XYZ:RELIANCE", "NSE:", "R" * 65])
def test_malformed_input_is_a_validation_error(loaded, text: str) -> None:
    with pytest.raises(ValidationFailed):
        loaded.instruments.resolve(text)


def test_an_empty_instrument_list_says_how_to_load_it(settings, database) -> None:
    services = build_services(settings, database)
    try:
        with pytest.raises(NotFound, match="scripts.cli.instruments sync"):
            services.instruments.resolve("RELIANCE")
    finally:
        services.close()


def test_a_compact_symbol_for_a_day_that_does_not_exist_is_no_contract() -> None:
    assert parse_contract("NIFTY2543121600PE") is None  # 31 April
    assert parse_contract("RELIANCE") is None


def keys(rows) -> list[str]:
    return [row.instrument_key for row in rows]


def test_search_ranks_exact_symbol_first_nse_before_bse_then_prefixes(loaded) -> None:
    found = keys(loaded.instruments.search("reliance"))
    assert found[:2] == ["NSE_EQ|INE002A01018", "BSE_EQ|INE002A01018"]
    assert found.index("NSE_EQ|INE002A01026") < found.index("NSE_FO|40006")  # cash before F&O


def test_search_by_prefix_lists_cash_before_contracts(loaded) -> None:
    found = loaded.instruments.search("REL")
    types = [row.instrument_type for row in found]
    assert types == sorted(types, key=lambda t: t != "EQ")
    assert {row.trading_symbol for row in found} >= {"RELAXO", "RELIANCE", "RELIANCEPP"}


def test_search_finds_isin_token_and_name(loaded) -> None:
    assert keys(loaded.instruments.search("INE131B01039")) == ["NSE_EQ|INE131B01039"]
    assert keys(loaded.instruments.search("10447")) == ["NSE_EQ|INE131B01039"]
    assert "NSE_EQ|INE131B01039" in keys(loaded.instruments.search("Relaxo Lt"))
    assert keys(loaded.instruments.search("nifty b")) == ["NSE_INDEX|Nifty Bank"]


def test_search_filters_by_segment_and_type_and_honours_the_limit(loaded) -> None:
    assert keys(loaded.instruments.search("RELIANCE", segment="BSE_EQ")) == ["BSE_EQ|INE002A01018"]
    puts = loaded.instruments.search("NIFTY", instrument_type="PE")
    assert puts and {row.instrument_type for row in puts} == {"PE"}
    assert len(loaded.instruments.search("N", limit=2)) == 2


def test_search_of_nothing_stored_is_empty(loaded) -> None:
    assert loaded.instruments.search("ZZZ") == []


# Days whose listings cover weekly months 1-9 and O/N/D, a weekly expiry in the month's last
# week, and the day after a monthly expiry (the next month's contracts).
SANDBOX_DAYS = [date(2026, 3, 10), date(2026, 3, 24), date(2026, 10, 20), date(2026, 12, 7)]


@pytest.fixture
def sandbox_listed(settings: Settings, database: Database, tmp_path: Path):
    """The sandbox's own F&O instruments, loaded from its BOD records into the platform."""
    from scripts.upstox_sandbox.market.nse_calendar import TradingCalendar
    from scripts.upstox_sandbox.market.universe import Universe

    universe = Universe(TradingCalendar())
    listed = {i.instrument_key: i for day in SANDBOX_DAYS for i in universe.listed_on(day)}
    records = [universe.bod_record(i) for i in listed.values()]
    services = build_services(settings, database)
    services.instruments.sync(write_gzip_json(tmp_path / "complete.json.gz", records))
    yield services, list(listed.values())
    services.close()


def test_every_compact_symbol_the_sandbox_emits_resolves_to_its_instrument(sandbox_listed):
    services, listed = sandbox_listed
    derivatives = [i for i in listed if i.is_derivative]
    forms = {"weekly": 0, "monthly": 0, "future": 0, "OND": 0}
    for inst in derivatives:
        compact = inst.order_symbol
        assert " " not in compact
        for text in (compact, inst.quote_key, f"NFO:{compact}", inst.trading_symbol):
            assert services.instruments.resolve(text).instrument.instrument_key == (
                inst.instrument_key
            ), text
        if inst.instrument_type == "FUT":
            forms["future"] += 1
        elif inst.weekly:
            forms["weekly"] += 1
            forms["OND"] += compact[len(inst.underlying_symbol or "") + 2] in "OND"
        else:
            forms["monthly"] += 1
    assert all(forms.values()), forms


def test_sandbox_index_and_equity_quote_keys_resolve(sandbox_listed):
    services, _ = sandbox_listed
    assert services.instruments.resolve("NSE_INDEX:Nifty 50").instrument.instrument_key == (
        "NSE_INDEX|Nifty 50"
    )
    assert services.instruments.resolve("NSE_INDEX:Nifty Bank").instrument.instrument_key == (
        "NSE_INDEX|Nifty Bank"
    )
    assert services.instruments.resolve("NSE_EQ:RELIANCE").instrument.instrument_key == (
        "NSE_EQ|INE002A01018"
    )


def test_known_keys_finds_exact_listed_keys_in_one_query_and_leaves_the_rest(
    loaded, database: Database
) -> None:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    texts = [
        "NSE_EQ|INE002A01018",
        "BSE_EQ|INE002A01018",
        "NSE_INDEX|Nifty 50",
        "RELIANCE",  # a symbol: for resolve
        "nse_eq|INE131B01039",  # a lower-case segment: resolve normalises it
        "NSE_EQ|BOGUS123",  # unknown: resolve refuses it
    ]
    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        known = loaded.instruments.known_keys(texts)
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert sorted(known) == sorted(texts[:3])
    assert all(known[key].instrument_key == key for key in known)
    assert len([s for s in statements if "instruments" in s]) == 1
    for key in texts[:3]:
        assert loaded.instruments.resolve(key).instrument == known[key]  # what resolve says
    assert loaded.instruments.known_keys(["RELIANCE", "NIFTY"]) == {}
