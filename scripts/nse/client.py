"""Polite downloads of NSE index constituent files (docs/NSE_DATA.md §1.1, §1.3, §1.4).

One shared ``httpx.Client`` with a full browser header set; at most one request every
``min_interval`` seconds per host; retries with backoff on 429, 5xx, timeouts and dropped
connections; a hard deadline per request so a connection that trickles or hangs never
hangs the job. Each host in turn (the configured URL first, then the fallbacks) until one
serves a file that passes :func:`scripts.nse.validation.parse_index_file`. Sleeping and the
pacing clock are injectable so tests run in milliseconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from scripts.nse.catalog import SIZE_TOLERANCE, NseIndex
from scripts.nse.validation import InvalidIndexFile, Member, parse_index_file

log = logging.getLogger(__name__)

# docs/NSE_DATA.md §1.3: every library that gets through sends a full Chrome header set;
# a bare "Mozilla/5.0" User-Agent was refused with 403 by an archive host.
BROWSER_HEADERS: dict[str, str] = {
    "User-Agent": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    ),
    "Accept": "text/csv,text/plain,application/octet-stream,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
    "Accept-Encoding": "gzip, deflate",
    "Referer": "https://www.niftyindices.com/",
    "Connection": "keep-alive",
    "Sec-CH-UA": '"Chromium";v="131", "Not_A Brand";v="24"',
    "Sec-CH-UA-Mobile": "?0",
    "Sec-CH-UA-Platform": '"Linux"',
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "same-origin",
    "Upgrade-Insecure-Requests": "1",
}
# docs/NSE_DATA.md §1.3 "Our budget": at most one request every 6 s per host.
MIN_SECONDS_BETWEEN_REQUESTS = 6.0
# §1.4: connections to the archive hosts sometimes hang; no request may take longer.
REQUEST_DEADLINE_SECONDS = 30.0
MAX_ATTEMPTS_PER_HOST = 3  # 1 try + 2 retries on 429/5xx/timeouts
BACKOFF_SECONDS = 10.0  # doubled per retry; a numeric Retry-After (capped) wins
MAX_RETRY_AFTER_SECONDS = 120.0
MAX_FILE_BYTES = 5_000_000  # NIFTY TOTAL MARKET is ~60 kB; anything huge is not our file
RETRYABLE_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class IndexFile:
    """An accepted file: where it came from and its members."""

    url: str
    members: list[Member]


class IndexDownloadFailed(RuntimeError):
    """No host served an acceptable file; ``reason`` names each host's failure."""

    def __init__(self, reason: str, not_found: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.not_found = not_found  # every host answered 404: the file was renamed (§1.4)


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class _HostFailed(Exception):
    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class NseIndexClient:
    """Downloads and validates index files; one instance (one session) per process or run."""

    def __init__(
        self,
        base_urls: Sequence[str],
        *,
        min_interval: float = MIN_SECONDS_BETWEEN_REQUESTS,
        deadline: float = REQUEST_DEADLINE_SECONDS,
        max_attempts: int = MAX_ATTEMPTS_PER_HOST,
        backoff: float = BACKOFF_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not base_urls:
            raise ValueError("at least one NSE index URL is needed (NSE_INDICES_URL)")
        self.base_urls = [url.rstrip("/") for url in base_urls]
        self.min_interval = min_interval
        self.deadline = deadline
        self.max_attempts = max_attempts
        self.backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._http = httpx.Client(
            headers=BROWSER_HEADERS,
            timeout=httpx.Timeout(deadline, connect=min(10.0, deadline)),
            follow_redirects=True,
        )

    def close(self) -> None:
        self._http.close()

    def fetch_index(self, index: NseIndex) -> IndexFile:
        """The first acceptable file among the hosts, or :class:`IndexDownloadFailed`."""
        reasons = []
        statuses = []
        for base in self.base_urls:
            url = f"{base}/{index.file_name}"
            try:
                body = self._get_with_retries(url)
                members = parse_index_file(body, index.size, SIZE_TOLERANCE)
                return IndexFile(url, members)
            except _HostFailed as failure:
                reasons.append(f"{urlsplit(url).netloc}: {failure.reason}")
                statuses.append(failure.status)
            except InvalidIndexFile as invalid:
                reasons.append(f"{urlsplit(url).netloc}: {invalid}")
                statuses.append(None)
        not_found = all(status == 404 for status in statuses)
        reason = "; ".join(reasons)
        if not_found and not index.documented:
            reason += " (this file name is not confirmed in docs/NSE_DATA.md §1.1)"
        raise IndexDownloadFailed(reason, not_found=not_found)

    def _get_with_retries(self, url: str) -> bytes:
        last = ""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._get_once(url)
            except _Retryable as retry:
                last = retry.reason
                if attempt == self.max_attempts:
                    break
                wait = self.backoff * 2 ** (attempt - 1) if retry.wait is None else retry.wait
                log.info("NSE %s: %s; retrying in %.0f s", url, retry.reason, wait)
                self._sleep(wait)
        raise _HostFailed(f"{last} (after {self.max_attempts} attempts)")

    def _pace(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = self.min_interval - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)
        self._last_request[host] = self._clock()

    def _get_once(self, url: str) -> bytes:
        self._pace(urlsplit(url).netloc)
        started = time.monotonic()
        try:
            with self._http.stream("GET", url) as response:
                status = response.status_code
                if status in RETRYABLE_STATUS:
                    raise _Retryable(f"HTTP {status}", _retry_after(response.headers))
                if status == 403:
                    raise _HostFailed("HTTP 403 Access Denied (blocked by the host)", 403)
                if status == 404:
                    raise _HostFailed("HTTP 404 (file not found: renamed or removed?)", 404)
                if status != 200:
                    raise _HostFailed(f"HTTP {status}", status)
                chunks = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_FILE_BYTES:
                        raise _HostFailed(f"body larger than {MAX_FILE_BYTES} bytes")
                    if time.monotonic() - started > self.deadline:
                        raise _Retryable(f"no complete answer within {self.deadline:.0f} s")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.TimeoutException:
            raise _Retryable(f"timed out after {self.deadline:.0f} s") from None
        except httpx.TransportError as error:
            raise _Retryable(f"connection failed ({type(error).__name__})") from None


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("Retry-After", "")
    if value.strip().isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    return None
