"""The NSE client against a local fake NSE: politeness, retries, deadlines and fallbacks."""

from __future__ import annotations

import time

import pytest

from scripts.nse.catalog import INDEX_BY_NAME
from scripts.nse.client import BROWSER_HEADERS, IndexDownloadFailed, NseIndexClient
from tests.nse import fake_nse as payloads
from tests.nse.conftest import FakeTime
from tests.nse.fake_nse import Answer, FakeNse, bundled_nifty50, index_csv

NIFTY50 = INDEX_BY_NAME["NIFTY 50"]
BANK = INDEX_BY_NAME["NIFTY BANK"]
PATH = "/IndexConstituent/ind_nifty50list.csv"


def make_client(urls: list[str], fake_time: FakeTime, **options: float) -> NseIndexClient:
    return NseIndexClient(urls, sleep=fake_time.sleep, clock=fake_time.clock, **options)


def test_a_good_file_is_fetched_with_the_full_browser_header_set(
    fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    fake_nse.serve(PATH, Answer(200, bundled_nifty50()))
    client = make_client([fake_nse.url()], fake_time)
    fetched = client.fetch_index(NIFTY50)
    client.close()
    assert fetched.url == fake_nse.url() + "/ind_nifty50list.csv"
    assert len(fetched.members) == 50
    sent = fake_nse.requests[0][1]
    for name in ("User-Agent", "Referer", "Sec-Fetch-Mode", "Sec-CH-UA", "Accept-Language"):
        assert sent[name] == BROWSER_HEADERS[name]


def test_requests_to_one_host_are_spaced_by_the_minimum_interval(
    fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    fake_nse.serve(PATH, Answer(200, bundled_nifty50()))
    fake_nse.serve("/IndexConstituent/ind_niftybanklist.csv", Answer(200, index_csv(14)))
    client = make_client([fake_nse.url()], fake_time, min_interval=6.0)
    client.fetch_index(NIFTY50)
    fake_time.now += 1.5  # the first answer took 1.5 s
    client.fetch_index(BANK)
    client.close()
    assert fake_time.sleeps == [pytest.approx(4.5)]


@pytest.mark.parametrize("answer", [payloads.TOO_MANY, payloads.UNAVAILABLE])
def test_429_and_5xx_are_retried_with_backoff_then_succeed(
    fake_nse: FakeNse, fake_time: FakeTime, answer: Answer
) -> None:
    fake_nse.serve(PATH, answer, answer, Answer(200, bundled_nifty50()))
    client = make_client([fake_nse.url()], fake_time, min_interval=0.0, backoff=10.0)
    assert len(client.fetch_index(NIFTY50).members) == 50
    client.close()
    expected = [1.0, 1.0] if answer.status == 429 else [10.0, 20.0]  # Retry-After wins
    assert fake_time.sleeps == expected
    assert len(fake_nse.requests) == 3


def test_a_hanging_connection_is_cut_at_the_deadline_and_retried(
    fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    fake_nse.serve(PATH, Answer(200, bundled_nifty50(), delay=3.0))
    client = make_client([fake_nse.url()], fake_time, min_interval=0.0, deadline=0.3)
    started = time.monotonic()
    with pytest.raises(IndexDownloadFailed, match="timed out after 0 s \\(after 3 attempts\\)"):
        client.fetch_index(NIFTY50)
    client.close()
    assert time.monotonic() - started < 2.5  # three 0.3-s attempts, never the 3-s hang
    assert len(fake_nse.requests) == 3


def test_a_refused_or_bad_file_falls_back_to_the_next_host(
    fake_nse: FakeNse, fake_time: FakeTime
) -> None:
    fake_nse.serve(PATH, payloads.AKAMAI)
    fake_nse.serve("/archive/ind_nifty50list.csv", Answer(200, bundled_nifty50()))
    client = make_client([fake_nse.url(), fake_nse.url("/archive")], fake_time)
    fetched = client.fetch_index(NIFTY50)
    client.close()
    assert fetched.url.endswith("/archive/ind_nifty50list.csv")


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("EMPTY", "an empty body"),
        ("HTML_404", "an HTML page (Error 404), not a CSV"),
        ("AKAMAI", "an Akamai block page, not a CSV"),
        ("AZURE", 'an Azure "Web App - Unavailable" page, not a CSV'),
        (
            "STRAY_COLUMN",
            "header is 'Company Name,Industry,Symbol,Series,ISIN Code,,', "
            "expected 'Company Name,Industry,Symbol,Series,ISIN Code'",
        ),
        ("FORBIDDEN", "HTTP 403 Access Denied (blocked by the host)"),
        ("NOT_FOUND", "HTTP 404 (file not found: renamed or removed?)"),
        ("TOO_MANY", "HTTP 429 (after 3 attempts)"),
        ("UNAVAILABLE", "HTTP 503 (after 3 attempts)"),
    ],
)
def test_every_failure_mode_is_refused_with_the_reason_per_host(
    fake_nse: FakeNse, fake_time: FakeTime, answer: str, reason: str
) -> None:
    fake_nse.serve(PATH, payload(answer))
    fake_nse.serve("/archive/ind_nifty50list.csv", payload(answer))
    client = make_client([fake_nse.url(), fake_nse.url("/archive")], fake_time)
    with pytest.raises(IndexDownloadFailed) as failed:
        client.fetch_index(NIFTY50)
    client.close()
    host = fake_nse.url().split("/")[2]
    assert failed.value.reason == f"{host}: {reason}; {host}: {reason}"
    assert failed.value.not_found == (answer == "NOT_FOUND")


def payload(name: str) -> Answer:
    answer = getattr(payloads, name)
    assert isinstance(answer, Answer)
    return answer
