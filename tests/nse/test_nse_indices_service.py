"""The NSE index refresh on a real database: good files replace the members and note the
changes; a bad download keeps the last good members and records why, per index."""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone

import pytest

from scripts.db import Database
from scripts.db.instruments import replace_instruments
from scripts.nse.client import NseIndexClient
from scripts.services.errors import NotFound
from scripts.services.nse_indices import NseIndicesService
from tests.nse import fake_nse as payloads
from tests.nse.conftest import FakeTime
from tests.nse.fake_nse import Answer, FakeNse, bundled_nifty50

PATH = "/IndexConstituent/ind_nifty50list.csv"
NOW = datetime(2026, 12, 7, 18, 0, tzinfo=timezone.utc)  # 23:30 IST


def make_service(database: Database, fake: FakeNse, fake_time: FakeTime, now=NOW):
    return NseIndicesService(
        database,
        lambda: NseIndexClient([fake.url()], sleep=fake_time.sleep, clock=fake_time.clock),
        now=lambda: now,
    )


def without(symbol: bytes, body: bytes) -> bytes:
    return b"\n".join(line for line in body.split(b"\n") if b"," + symbol + b",EQ" not in line)


def test_a_fresh_install_lists_the_bundled_nifty50_before_any_download(
    database: Database, fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    service = make_service(database, fake_nse, fake_time)
    statuses = {s.index_name: s for s in service.indices()}
    assert len(statuses) >= 25
    nifty = statuses["NIFTY 50"]
    assert (nifty.member_count, nifty.last_status, nifty.as_of) == (
        50,
        "bundled",
        date(2026, 9, 18),
    )
    assert nifty.stale  # the bundled snapshot is older than a week
    assert (statuses["NIFTY BANK"].member_count, statuses["NIFTY BANK"].last_status) == (0, "never")
    assert service.indices_of("reliance") == ["NIFTY 50"]
    assert fake_nse.requests == []


def test_a_good_file_replaces_the_bundled_members_without_inventing_changes(
    database: Database, fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    fake_nse.serve(PATH, Answer(200, bundled_nifty50()))
    service = make_service(database, fake_nse, fake_time)
    [result] = service.refresh(["nifty 50"])
    assert result.accepted and result.members == 50
    assert result.line() == "NIFTY 50: accepted 50 members"
    members = service.members("NIFTY 50")
    assert {m.source for m in members} == {"nse"}
    assert {m.last_seen for m in members} == {date(2026, 12, 7)}
    assert {m.first_seen for m in members} == {date(2026, 9, 18)}  # kept from the bundle
    assert service.changes("NIFTY 50") == []
    status = next(s for s in service.indices() if s.index_name == "NIFTY 50")
    assert (status.last_status, status.last_good_at, status.stale) == ("accepted", NOW, False)
    assert status.source == fake_nse.url() + "/ind_nifty50list.csv"


def test_additions_and_removals_between_two_files_are_recorded_with_their_date(
    database: Database, fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    first = bundled_nifty50()
    second = without(b"WIPRO", first) + b"New Co Ltd.,Services,NEWCO,EQ,INE999Z01011\n"
    fake_nse.serve(PATH, Answer(200, first), Answer(200, second))
    make_service(database, fake_nse, fake_time).refresh(["NIFTY 50"])
    later = datetime(2026, 12, 8, 18, 0, tzinfo=timezone.utc)
    service = make_service(database, fake_nse, fake_time, now=later)
    [result] = service.refresh(["NIFTY 50"])
    assert (result.added, result.removed) == (["NEWCO"], ["WIPRO"])
    changes = {(c.symbol, c.change, c.change_date) for c in service.changes("NIFTY 50")}
    assert changes == {
        ("NEWCO", "added", date(2026, 12, 8)),
        ("WIPRO", "removed", date(2026, 12, 8)),
    }
    members = {m.symbol: m for m in service.members("NIFTY 50")}
    assert "WIPRO" not in members and members["NEWCO"].first_seen == date(2026, 12, 8)
    assert service.indices_of("WIPRO") == []


@pytest.mark.parametrize(
    "answer",
    ["EMPTY", "HTML_404", "AKAMAI", "AZURE", "STRAY_COLUMN", "FORBIDDEN", "NOT_FOUND", "TOO_MANY"],
)
def test_a_bad_download_keeps_the_last_good_members_and_records_why(
    database: Database,
    fake_nse: FakeNse,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
    answer: str,
) -> None:
    bad = getattr(payloads, answer)
    fake_nse.serve(PATH, Answer(200, bundled_nifty50()), bad)
    make_service(database, fake_nse, fake_time).refresh(["NIFTY 50"])
    later = datetime(2026, 12, 8, 18, 0, tzinfo=timezone.utc)
    service = make_service(database, fake_nse, fake_time, now=later)
    with caplog.at_level(logging.WARNING, logger="scripts.services.nse_indices"):
        [result] = service.refresh(["NIFTY 50"])
    assert not result.accepted and result.members == 50
    assert result.line().startswith("NIFTY 50: kept 50 stored members; download refused: 127.0.0.1")
    assert len(service.members("NIFTY 50")) == 50
    status = next(s for s in service.indices() if s.index_name == "NIFTY 50")
    assert (status.last_status, status.last_good_at, status.last_attempt_at) == (
        "kept_old",
        NOW,
        later,
    )
    assert status.last_error == result.reason
    assert any(r.levelno == logging.WARNING and "NIFTY 50" in r.message for r in caplog.records)


def test_an_index_never_downloaded_records_the_failure_with_nothing_stored(
    database: Database, fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    service = make_service(database, fake_nse, fake_time)
    [result] = service.refresh(["BANK"])  # the fake answers 404 for anything not served
    assert result.line().startswith("NIFTY BANK: nothing stored yet; download refused:")
    status = next(s for s in service.indices() if s.index_name == "NIFTY BANK")
    assert status.last_status == "kept_old" and "HTTP 404" in (status.last_error or "")


def test_members_get_their_instrument_key_when_the_instrument_list_has_the_isin(
    database: Database, fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    with database.transaction() as connection:
        replace_instruments(
            connection,
            [
                {
                    "instrument_key": "NSE_EQ|INE002A01018",
                    "segment": "NSE_EQ",
                    "exchange": "NSE",
                    "instrument_type": "EQ",
                    "trading_symbol": "RELIANCE",
                    "name": "RELIANCE INDUSTRIES LTD",
                    "isin": "INE002A01018",
                }
            ],
        )
    fake_nse.serve(PATH, Answer(200, bundled_nifty50()))
    service = make_service(database, fake_nse, fake_time)
    service.refresh(["NIFTY 50"])
    keys = {m.symbol: m.instrument_key for m in service.members("NIFTY 50")}
    assert keys["RELIANCE"] == "NSE_EQ|INE002A01018"
    assert keys["TCS"] is None  # not in the instrument list: null, not guessed


def test_an_unknown_index_name_says_which_names_exist(
    database: Database, fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    service = make_service(database, fake_nse, fake_time)
    with pytest.raises(
        NotFound, match="no tracked NSE index is called 'NIFTY 51'; use one of: NIFTY 50,"
    ):
        service.refresh(["NIFTY 51"])
