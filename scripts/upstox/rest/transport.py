"""The one place that sends HTTP to Upstox: headers, rate limit, retries, errors, logging.

Endpoint modules (``client_*.py``) describe *what* to call; this module decides *how*: which
host (``UpstoxHosts``), which headers, whether a failure may be retried (``retry``), and which
typed error a failure becomes (``errors``). It logs one line per attempt with method, path
(never the query's secrets, never headers), status, latency and attempt number.

The access token is read from ``token_provider`` on every attempt and only ever placed in the
``Authorization`` header; it is not stored on this object, so it cannot leak through a repr.
"""

from __future__ import annotations

import json
import logging
import os
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

import httpx

from scripts.upstox.errors import (
    TokenExpired,
    UpstoxError,
    UpstoxUnavailable,
    error_from_response,
)
from scripts.upstox.hosts import UpstoxHosts
from scripts.upstox.rest.audit_hook import OrderAuditSink, OrderWrite
from scripts.upstox.rest.rate_limit import RateClass, RateLimiter
from scripts.upstox.rest.retry import (
    NOT_SENT_ERRORS,
    CallSafety,
    RetryPolicy,
    backoff_delay,
    may_retry_exception,
    may_retry_status,
    parse_retry_after,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
_DOWNLOAD_CHUNK = 256 * 1024
_GZIP_MAGIC = b"\x1f\x8b"

# Reachability probes: one quick, token-less GET per mode's API host. Any HTTP answer (even a
# 401 without a token) proves the host is reachable. The built-in sandbox has a health route;
# Upstox's hosts are asked for the NSE market status, a cheap read every host serves.
PROBE_TIMEOUT_S = 2.0
PROBE_PATHS = {"sandbox": "/sandbox/health"}
DEFAULT_PROBE_PATH = "/v2/market/status/NSE"

TokenProvider = Callable[[], "str | None"]
TokenExpiredCallback = Callable[[UpstoxError], None]


@dataclass(frozen=True)
class Reachability:
    """What one probe of the mode's API host found."""

    host: str
    reachable: bool
    http_status: int | None = None
    latency_ms: float | None = None
    detail: str | None = None


class Transport:
    """Sends requests to Upstox with the platform's rules for safety and politeness."""

    def __init__(
        self,
        hosts: UpstoxHosts,
        token_provider: TokenProvider,
        on_token_expired: TokenExpiredCallback,
        *,
        algo_name: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry_policy: RetryPolicy = RetryPolicy(),
        rate_limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        rng: random.Random | None = None,
        audit: OrderAuditSink | None = None,
    ) -> None:
        self.hosts = hosts
        self._audit = audit
        self.retry_policy = retry_policy
        self.clock = clock
        self.sleep = sleep
        self.now = now
        self._token_provider = token_provider
        self._on_token_expired = on_token_expired
        self._algo_name = algo_name
        self._limiter = rate_limiter or RateLimiter(clock=clock, sleep=sleep)
        self._rng = rng or random.Random()
        # follow_redirects off: nothing here expects one, and a redirect would carry the
        # Authorization header to wherever it points.
        self._http = httpx.Client(timeout=timeout, follow_redirects=False)

    def __repr__(self) -> str:
        return f"Transport(mode={self.hosts.mode!r}, api={self.hosts.api!r})"

    def close(self) -> None:
        self._http.close()

    # -- public entry points -------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        json_body: Any = None,
        form: dict[str, str] | None = None,
        safety: CallSafety = CallSafety.SAFE,
        rate_class: RateClass | None = RateClass.STANDARD,
        rejection: type[UpstoxError] = UpstoxError,
        authenticated: bool = True,
        algo_header: bool = False,
        redact_values: bool = False,
        retry_policy: RetryPolicy | None = None,
        audit_as: OrderWrite | None = None,
    ) -> Any:
        """Send one logical call (with the retries its ``safety`` allows); return parsed JSON.

        ``query`` is pre-encoded (see ``urls.build_query``) so instrument keys keep ``%7C`` and
        ``%20``. Returns the whole body (envelope included); 207 partial success is a success.
        """
        url = self.hosts.base_for(path) + path + (f"?{query}" if query else "")
        headers = {"Accept": "application/json"}
        content: bytes | None = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            content = urlencode(form).encode()
        else:
            headers["Content-Type"] = "application/json"
            if json_body is not None:
                content = json.dumps(json_body).encode()
        if algo_header and self._algo_name:
            headers["X-Algo-Name"] = self._algo_name
        reader = _json_reader(rejection)
        seen: dict[str, int] = {}

        def read(response: httpx.Response) -> Any:
            seen["status"] = response.status_code
            return reader(response)

        def send() -> Any:
            return self._send(
                method,
                url,
                path,
                headers,
                content,
                on_success=read,
                safety=safety,
                rate_class=rate_class,
                rejection=rejection,
                authenticated=authenticated,
                redact_values=redact_values,
                retry_policy=retry_policy,
            )

        # Order writes (the calls that say which OrderWrite they are) are audited before and after.
        if self._audit is None or audit_as is None:
            return send()
        request = json_body if json_body is not None else (dict(parse_qsl(query)) or None)
        handle = self._audit.request_sent(audit_as, method, path, request)
        started = time.perf_counter()
        try:
            result = send()
        except Exception as error:
            self._finish_audit(handle, getattr(error, "status", None), None, error, started)
            raise
        self._finish_audit(handle, seen.get("status"), result, None, started)
        return result

    def _finish_audit(
        self,
        handle: object,
        status: int | None,
        body: Any,
        error: Exception | None,
        started: float,
    ) -> None:
        latency_ms = int((time.perf_counter() - started) * 1000)
        if self._audit is None:  # only audited calls get here
            return
        try:
            self._audit.response_received(handle, status, body, error, latency_ms)
        except Exception:  # noqa: BLE001 - the order's outcome must still reach the caller
            logger.exception("could not record an order response in the audit trail")

    def download(self, url: str, log_path: str, dest_dir: Path | None = None) -> Path:
        """Stream a gzip file to a new temp file and return its path (never held in memory).

        Token-less: instrument files are public, so the Bearer token is not sent to the assets
        host. The file is checked to start with the gzip magic bytes; on any failure the partial
        file is removed, so a caller can never pick up a half-written download.
        """

        def save(resp: httpx.Response) -> Path:
            fd, name = tempfile.mkstemp(prefix="upstox-", suffix=".json.gz", dir=dest_dir)
            try:
                with os.fdopen(fd, "wb") as out:
                    first = True
                    for chunk in resp.iter_raw(_DOWNLOAD_CHUNK):
                        if first and chunk:
                            if not chunk.startswith(_GZIP_MAGIC):
                                raise UpstoxError(
                                    f"{log_path} did not return a gzip file",
                                    status=resp.status_code,
                                )
                            first = False
                        out.write(chunk)
                    if first:
                        raise UpstoxError(f"{log_path} returned an empty body")
            except BaseException:
                os.unlink(name)
                raise
            return Path(name)

        headers = {"Accept": "application/json, application/gzip, */*"}
        saved: Path = self._send(
            "GET",
            url,
            log_path,
            headers,
            None,
            on_success=save,
            safety=CallSafety.SAFE,
            rate_class=None,
            rejection=UpstoxError,
            authenticated=False,
            redact_values=False,
        )
        return saved

    def reachability(self, timeout_s: float = PROBE_TIMEOUT_S) -> Reachability:
        """Probe the mode's API host once: no token, no retries, short timeout.

        It takes a standard-class token but never waits for one (``max_wait_s=0``): a health
        check must answer at once, so when reads have the budget it raises ``RateLimited`` and
        the caller keeps its last answer.
        """
        host = self.hosts.api
        path = PROBE_PATHS.get(self.hosts.mode, DEFAULT_PROBE_PATH)
        self._limiter.acquire(RateClass.STANDARD, max_wait_s=0.0)
        started = time.perf_counter()
        try:
            response = self._http.get(
                host + path, headers={"Accept": "application/json"}, timeout=timeout_s
            )
        except httpx.HTTPError as exc:
            logger.debug("upstox probe %s%s failed: %s", host, path, type(exc).__name__)
            return Reachability(host, False, detail=f"cannot reach {host}: {type(exc).__name__}")
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        # debug, not info: health polls would otherwise log a line every probe interval
        logger.debug("upstox probe %s%s status=%s", host, path, response.status_code)
        return Reachability(host, True, response.status_code, latency_ms)

    # -- the attempt loop -----------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        log_path: str,
        headers: dict[str, str],
        content: bytes | None,
        *,
        on_success: Callable[[httpx.Response], Any],
        safety: CallSafety,
        rate_class: RateClass | None,
        rejection: type[UpstoxError],
        authenticated: bool,
        redact_values: bool,
        retry_policy: RetryPolicy | None = None,
    ) -> Any:
        policy = retry_policy or self.retry_policy
        deadline = self.clock() + policy.max_total_s
        attempt = 0
        while True:
            attempt += 1
            if rate_class is not None:
                self._limiter.acquire(rate_class)
            attempt_headers = dict(headers)
            if authenticated:
                attempt_headers["Authorization"] = f"Bearer {self._token()}"
            started = self.clock()
            try:
                status, result = self._attempt(method, url, attempt_headers, content, on_success)
            except UpstoxError as exc:  # a 2xx whose body is an error or unreadable
                self._log(method, log_path, exc.status or "error", started, attempt)
                if isinstance(exc, TokenExpired):
                    self._notify_token_expired(exc)
                raise
            except httpx.TransportError as exc:
                self._log(method, log_path, type(exc).__name__, started, attempt)
                if may_retry_exception(safety, exc):
                    delay = backoff_delay(policy, attempt, None, self._rng)
                    if _budget_allows(policy, attempt, self.clock() + delay, deadline):
                        self.sleep(delay)
                        continue
                sent = not isinstance(exc, NOT_SENT_ERRORS)
                raise UpstoxUnavailable(
                    f"{method} {log_path}: {_describe(exc)} after {attempt} attempt(s)",
                    request_sent=sent,
                ) from exc
            self._log(method, log_path, status, started, attempt)
            if 200 <= status < 300:
                return result
            retry_after = parse_retry_after(result.headers.get("Retry-After"), self.now())
            error = error_from_response(
                status,
                result.content,
                result.headers.get("Content-Type", ""),
                retry_after=retry_after,
                rejection=rejection,
                redact_values=redact_values,
            )
            if isinstance(error, TokenExpired):
                self._notify_token_expired(error)
                raise error
            if may_retry_status(safety, status):
                delay = backoff_delay(policy, attempt, retry_after, self._rng)
                if _budget_allows(policy, attempt, self.clock() + delay, deadline):
                    self.sleep(delay)
                    continue
            raise error

    def _attempt(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | None,
        on_success: Callable[[httpx.Response], Any],
    ) -> tuple[int, Any]:
        with self._http.stream(method, url, headers=headers, content=content) as resp:
            if 200 <= resp.status_code < 300:
                return resp.status_code, on_success(resp)
            resp.read()
            return resp.status_code, resp

    def _token(self) -> str:
        token = self._token_provider()
        if not token:
            # No callback: nothing expired, the platform simply has no session yet.
            raise TokenExpired("no Upstox access token: log in to Upstox first")
        return token

    def _notify_token_expired(self, error: UpstoxError) -> None:
        try:
            self._on_token_expired(error)
        except Exception:  # a broken callback must not hide the 401 from the caller
            logger.exception("on_token_expired callback failed")

    def _log(self, method: str, path: str, status: int | str, started: float, attempt: int) -> None:
        latency_ms = (self.clock() - started) * 1000.0
        logger.info(
            "upstox %s %s status=%s latency_ms=%.0f attempt=%d",
            method,
            path,
            status,
            latency_ms,
            attempt,
        )


def _budget_allows(policy: RetryPolicy, attempt: int, resume_at: float, deadline: float) -> bool:
    return attempt < policy.max_attempts and resume_at <= deadline


def _json_reader(rejection: type[UpstoxError]) -> Callable[[httpx.Response], Any]:
    """Parse a 2xx body. An unreadable one is ``UpstoxUnavailable(request_sent=True)``: for a
    write it means "sent, outcome unknown" (placement then reconciles), not "refused"."""

    def read(resp: httpx.Response) -> Any:
        body = resp.read()
        try:
            payload = json.loads(body)
        except ValueError as exc:
            kind = resp.headers.get("Content-Type", "unknown content type")
            raise UpstoxUnavailable(
                f"Upstox returned an unreadable success body ({kind})", status=resp.status_code
            ) from exc
        if isinstance(payload, dict) and payload.get("status") == "error":
            raise error_from_response(
                resp.status_code, body, "application/json", rejection=rejection
            )
        return payload

    return read


def _describe(exc: httpx.TransportError) -> str:
    """Error class plus its text; httpx messages carry no headers, so no token."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
