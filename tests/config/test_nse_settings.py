"""NSE_INDICES_URL and its fallbacks: the official host first, then the archive hosts
(docs/NSE_DATA.md §1.1); users and tests can point both elsewhere."""

from __future__ import annotations

from pathlib import Path

from tests.config.test_settings import error_for, load


def test_the_default_is_the_official_host_then_the_two_archive_hosts(tmp_path: Path) -> None:
    assert load(tmp_path).nse_indices_urls == (
        "https://www.niftyindices.com/IndexConstituent",
        "https://nsearchives.nseindia.com/content/indices",
        "https://archives.nseindia.com/content/indices",
    )


def test_a_mirror_without_fallbacks_is_the_only_host(tmp_path: Path) -> None:
    settings = load(
        tmp_path, NSE_INDICES_URL="http://127.0.0.1:8000/nse/", NSE_INDICES_FALLBACK_URLS=""
    )
    assert settings.nse_indices_urls == ("http://127.0.0.1:8000/nse",)


def test_a_fallback_that_is_not_a_url_is_refused_naming_the_variable(tmp_path: Path) -> None:
    error = error_for(tmp_path, NSE_INDICES_FALLBACK_URLS="https://a.example/x, ftp://b")
    assert error.variable == "NSE_INDICES_FALLBACK_URLS" and "'ftp://b' is not" in str(error)
