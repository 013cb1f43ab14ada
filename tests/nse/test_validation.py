"""A downloaded index file is accepted only under all three rules of docs/NSE_DATA.md §1.4."""

from __future__ import annotations

import pytest

from scripts.nse.validation import InvalidIndexFile, parse_index_file
from tests.nse import fake_nse
from tests.nse.fake_nse import bundled_nifty50, index_csv


def test_the_published_nifty50_file_is_accepted_with_its_50_members() -> None:
    members = parse_index_file(bundled_nifty50(), 50, 2)
    by_symbol = {m.symbol: m for m in members}
    assert len(members) == 50
    assert by_symbol["M&M"].company_name == "Mahindra & Mahindra Ltd."
    assert by_symbol["RELIANCE"].isin == "INE002A01018"


def test_a_bom_and_surrounding_whitespace_are_stripped() -> None:
    body = b"\r\n  " + index_csv(12, bom=True) + b"\n\n  "
    assert len(parse_index_file(body, 12, 2)) == 12


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (fake_nse.EMPTY, "an empty body"),
        (fake_nse.HTML_404, "an HTML page (Error 404), not a CSV"),
        (fake_nse.AKAMAI, "an Akamai block page, not a CSV"),
        (fake_nse.AZURE, 'an Azure "Web App - Unavailable" page, not a CSV'),
        (fake_nse.STRAY_COLUMN, "header is 'Company Name,Industry,Symbol,Series,ISIN Code,,'"),
    ],
)
def test_each_known_failed_payload_is_refused_with_its_reason(answer, reason: str) -> None:
    with pytest.raises(InvalidIndexFile) as refused:
        parse_index_file(answer.body, 50, 2)
    assert str(refused.value).startswith(reason)


def test_a_malformed_isin_is_refused() -> None:
    body = bundled_nifty50().replace(b"INE002A01018", b"INE002A0101")
    with pytest.raises(InvalidIndexFile, match="'INE002A0101' is not an ISIN"):
        parse_index_file(body, 50, 2)


def test_the_row_count_must_be_within_the_tolerance_of_the_index_size() -> None:
    assert len(parse_index_file(index_csv(52), 50, 2)) == 52
    assert len(parse_index_file(index_csv(48), 50, 2)) == 48
    with pytest.raises(InvalidIndexFile, match="53 rows, expected 50"):
        parse_index_file(index_csv(53), 50, 2)
    with pytest.raises(InvalidIndexFile, match="47 rows, expected 50"):
        parse_index_file(index_csv(47), 50, 2)
