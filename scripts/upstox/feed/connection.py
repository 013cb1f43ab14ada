"""One self-healing WebSocket to an Upstox feed: authorize, connect, read, reconnect.

Shared by the market feed and the portfolio stream so both behave the same:
- every (re)connect first calls the injected ``authorize`` for a fresh URI,
  because authorized URIs are single-use [DOC §9.1];
- failures back off exponentially with jitter (feed_backoff);
- a 401/403 from ``authorize`` means the token is dead: call ``on_token_expired``
  once and stop, instead of spinning against a dead token until re-login
  (openalgo #1419);
- an optional ``stalled`` check recycles a socket that is open but silent.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from scripts.upstox.feed.backoff import Backoff
from scripts.upstox.feed.events import FeedTokenExpired

logger = logging.getLogger(__name__)

Authorize = Callable[[], Awaitable[str]]
TokenExpiredCallback = Callable[[BaseException], object]

INVALID_TOKEN_CODE = "UDAPI100050"  # docs/UPSTOX_API.md §1.4


def is_token_rejection(exc: BaseException) -> bool:
    """True when an authorize failure means "the access token is dead".

    Duck-typed so any REST client fits: our FeedTokenExpired, or any exception
    carrying an HTTP ``status``/``status_code`` of 401/403 or Upstox's
    invalid-token code.
    """
    if isinstance(exc, FeedTokenExpired):
        return True
    for attribute in ("status", "status_code"):
        if getattr(exc, attribute, None) in (401, 403):
            return True
    return getattr(exc, "code", None) == INVALID_TOKEN_CODE


class FeedConnection:
    """Keeps one feed socket alive until stopped or the token dies."""

    def __init__(
        self,
        name: str,
        authorize: Authorize,
        on_message: Callable[[str | bytes], None],
        on_connected: Callable[[ClientConnection], Awaitable[None]] | None = None,
        on_token_expired: TokenExpiredCallback | None = None,
        is_token_expired: Callable[[BaseException], bool] = is_token_rejection,
        stalled: Callable[[float], bool] | None = None,
        backoff: Backoff | None = None,
        stable_after_s: float = 30.0,
        watchdog_interval_s: float = 5.0,
        ping_interval_s: float = 20.0,
        ping_timeout_s: float = 20.0,
        open_timeout_s: float = 10.0,
    ) -> None:
        self.name = name
        self._authorize = authorize
        self._on_message = on_message
        self._on_connected = on_connected
        self._on_token_expired = on_token_expired
        self._is_token_expired = is_token_expired
        self._stalled = stalled
        self._backoff = backoff or Backoff()
        self._stable_after_s = stable_after_s
        self._watchdog_interval_s = watchdog_interval_s
        self._ping_interval_s = ping_interval_s
        self._ping_timeout_s = ping_timeout_s
        self._open_timeout_s = open_timeout_s
        self._stop = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self.state = "stopped"
        self.reconnect_count = 0
        self.connected_at: float | None = None  # monotonic
        self.last_message_at: float | None = None  # monotonic
        self.last_error: str | None = None
        self._ever_connected = False
        self.connected_event = asyncio.Event()

    @property
    def connected(self) -> bool:
        return self._ws is not None

    def start(self) -> None:
        """Run in the current event loop until ``stop()`` or token expiry; idempotent."""
        if self._task is not None and not self._task.done():
            return
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=f"{self.name}-feed")

    async def stop(self) -> None:
        self._stop.set()
        ws = self._ws
        if ws is not None:
            await ws.close()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        self.state = "stopped"

    async def send(self, frame: bytes | str) -> bool:
        """Send on the live socket; False when not connected (the caller's book replays later)."""
        ws = self._ws
        if ws is None:
            return False
        try:
            await ws.send(frame)
        except ConnectionClosed:
            return False
        return True

    async def recycle(self, reason: str) -> None:
        """Close the live socket so the run loop reconnects."""
        ws = self._ws
        if ws is not None:
            logger.warning("%s feed: recycling the connection: %s", self.name, reason)
            self.last_error = reason
            await ws.close(code=1000, reason=reason[:100])

    async def _run(self) -> None:
        while not self._stop.is_set():
            self.state = "connecting"
            try:
                uri = await self._authorize()
            except Exception as exc:
                if self._is_token_expired(exc):
                    await self._token_expired(exc)
                    return
                self._record_failure("authorize failed", exc)
                await self._sleep_backoff()
                continue
            lived = await self._connect_and_read(uri)
            if self._stop.is_set():
                break
            if lived >= self._stable_after_s:
                self._backoff.reset()
            await self._sleep_backoff()
        self.state = "stopped"

    async def _connect_and_read(self, uri: str) -> float:
        """One connection's life; returns how long it stayed open (0 if it never opened)."""
        opened_at: float | None = None
        try:
            async with connect(
                uri,
                open_timeout=self._open_timeout_s,
                ping_interval=self._ping_interval_s,
                ping_timeout=self._ping_timeout_s,
                max_size=None,  # a full_d30 snapshot of many keys is large
            ) as ws:
                opened_at = time.monotonic()
                self._opened(ws)
                watchdog = asyncio.create_task(self._watch())
                try:
                    if self._on_connected is not None:
                        await self._on_connected(ws)
                    async for message in ws:
                        self.last_message_at = time.monotonic()
                        self._deliver(message)
                finally:
                    watchdog.cancel()
                    await asyncio.gather(watchdog, return_exceptions=True)
            if ws.close_code not in (None, 1000):
                self.last_error = f"closed by server: {ws.close_code} {ws.close_reason}"
                logger.warning("%s feed: %s", self.name, self.last_error)
        except (ConnectionClosed, InvalidHandshake, InvalidURI, OSError, TimeoutError) as exc:
            self._record_failure("connection lost", exc)
        finally:
            self._ws = None
            self.connected_event.clear()
        return 0.0 if opened_at is None else time.monotonic() - opened_at

    def _deliver(self, message: str | bytes) -> None:
        try:
            self._on_message(message)
        except Exception:
            # One undecodable frame must not take the whole feed down.
            logger.exception("%s feed: could not handle a message; skipped", self.name)

    def _opened(self, ws: ClientConnection) -> None:
        self._ws = ws
        self.connected_at = time.monotonic()
        self.state = "connected"
        if self._ever_connected:
            self.reconnect_count += 1
        self._ever_connected = True
        self.connected_event.set()
        logger.info("%s feed connected (reconnects so far: %d)", self.name, self.reconnect_count)

    async def _watch(self) -> None:
        if self._stalled is None:
            return
        while True:
            await asyncio.sleep(self._watchdog_interval_s)
            if self._stalled(time.monotonic()):
                await self.recycle("open but silent while the market is open")
                return

    def _record_failure(self, what: str, exc: BaseException) -> None:
        self.last_error = f"{what}: {type(exc).__name__}: {exc}"
        logger.warning("%s feed: %s", self.name, self.last_error)

    async def _sleep_backoff(self) -> None:
        self.state = "backoff"
        delay = self._backoff.next_delay()
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=delay)
        except TimeoutError:
            pass

    async def _token_expired(self, exc: BaseException) -> None:
        self.state = "token_expired"
        self.last_error = f"access token rejected: {type(exc).__name__}: {exc}"
        logger.error("%s feed stopped: %s; log in again to resume", self.name, self.last_error)
        if self._on_token_expired is None:
            return
        try:
            result = self._on_token_expired(exc)
            if inspect.isawaitable(result):
                await result
        except Exception:
            logger.exception("%s feed: on_token_expired callback failed", self.name)
