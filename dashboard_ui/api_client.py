"""The dashboard's only way to data: async HTTP calls to the platform's REST API.

Pages never open the database; they ask the API, like any other client. The
calls are asynchronous (``httpx.AsyncClient``) so a slow API never freezes
NiceGUI's event loop, and they time out quickly so a dead API turns into a
plain-words message within seconds instead of a spinner that never ends.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter, ValidationError

from scripts.api_schemas.account import Margins, Profile
from scripts.api_schemas.auth import LoggedOut, LoginStarted, SessionStatus
from scripts.api_schemas.candle_backfill import BackfillTask, ChartBackfillPlan
from scripts.api_schemas.candles import CandleSeries, SeriesCoverage
from scripts.api_schemas.feed import FeedHealth
from scripts.api_schemas.health import PlatformHealth
from scripts.api_schemas.instruments import Instrument, InstrumentsStatus, ResolvedInstrument
from scripts.api_schemas.market import MarketCalendar, MarketStatus
from scripts.api_schemas.quotes import Quote
from scripts.api_schemas.system import DatabaseReport, JobRun, JobSummary
from scripts.api_schemas.watchlists import (
    Watchlist,
    WatchlistDeleted,
    WatchlistItemChange,
    WatchlistSummary,
)

log = logging.getLogger(__name__)

API_KEY_HEADER = "X-API-Key"
# Connect fast-fails a stopped API; reads allow for /api/health's own broker probe (2 s).
DEFAULT_TIMEOUT = httpx.Timeout(6.0, connect=2.0)


class ApiProblem(Exception):
    """Any reason the dashboard could not get data; ``message`` is fit to show a trader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiUnavailable(ApiProblem):
    """The API could not be reached at all (not running, wrong port, timed out)."""

    def __init__(self, base_url: str, reason: str) -> None:
        super().__init__(f"The API at {base_url} is not answering.")
        self.reason = reason


class ApiError(ApiProblem):
    """The API answered with its error envelope; ``message`` is the API's own words."""

    def __init__(
        self,
        message: str,
        code: str,
        http_status: int,
        field: str | None = None,
        trace_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status
        self.field = field
        self.trace_id = trace_id


Model = TypeVar("Model")


def parse_data(model: type[Model], data: Any, what: str) -> Model:
    """The envelope's ``data`` as the contract's model (scripts/api_schemas).

    An answer that does not fit is an :class:`ApiError` naming the endpoint and the field,
    so an API and a dashboard of different versions say so instead of drawing wrong figures.
    """
    try:
        return TypeAdapter(model).validate_python(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "data"
        raise ApiError(
            f"The API's answer to {what} does not match this dashboard ({where}: "
            f"{first['msg']}); run the API and the dashboard from the same version.",
            "contract_mismatch",
            200,
            where,
        ) from None


class ApiClient:
    """Typed access to the REST API's endpoints; every method returns the envelope's ``data``
    parsed into the contract's model (``scripts/api_schemas``), so pages read attributes.

    One instance serves the whole dashboard process; its connection pool is
    created on first use (inside the running event loop) and closed by
    :meth:`aclose` at shutdown.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                headers={API_KEY_HEADER: self._api_key},
                timeout=self._timeout,
                transport=self._transport,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` and return ``data``; raise :class:`ApiUnavailable` or :class:`ApiError`."""
        try:
            response = await self._http().get(path, params=params)
        except httpx.TransportError as error:
            log.debug("GET %s failed: %s", path, type(error).__name__)
            raise ApiUnavailable(self.base_url, type(error).__name__) from error
        return self._data(response)

    async def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """POST a JSON body to ``path`` and return ``data`` (same errors as :meth:`get`)."""
        return await self.send("POST", path, body or {})

    async def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """``method`` (POST, PATCH, DELETE) with an optional JSON body; returns ``data``."""
        try:
            response = await self._http().request(method, path, json=body)
        except httpx.TransportError as error:
            log.debug("%s %s failed: %s", method, path, type(error).__name__)
            raise ApiUnavailable(self.base_url, type(error).__name__) from error
        return self._data(response)

    def _data(self, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            raise ApiError(
                f"The API at {self.base_url} answered HTTP {response.status_code} "
                "with something that is not JSON; is another program using its port?",
                "not_json",
                response.status_code,
            ) from None
        if isinstance(body, dict) and body.get("status") == "success" and "data" in body:
            return body["data"]
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and error.get("message"):
            raise ApiError(
                str(error["message"]),
                str(error.get("code", "error")),
                response.status_code,
                error.get("field"),
                body.get("trace_id"),
            )
        raise ApiError(
            f"The API answered HTTP {response.status_code} without the expected envelope.",
            "bad_envelope",
            response.status_code,
        )

    # --- endpoints ---------------------------------------------------------
    async def _get_as(
        self, model: type[Model], path: str, params: dict[str, Any] | None = None
    ) -> Model:
        return parse_data(model, await self.get(path, params), f"GET {path}")

    async def _post_as(
        self, model: type[Model], path: str, body: dict[str, Any] | None = None
    ) -> Model:
        return parse_data(model, await self.post(path, body), f"POST {path}")

    async def health(self) -> PlatformHealth:
        """Version, mode, database, scheduler and broker state (``GET /api/health``)."""
        return await self._get_as(PlatformHealth, "/api/health")

    async def market_status(self, exchange: str = "NSE") -> MarketStatus:
        """open / pre_open / closed / holiday / weekend with the reason and next open."""
        return await self._get_as(MarketStatus, "/api/market/status", {"exchange": exchange})

    async def market_calendar(self, year: int, exchange: str = "NSE") -> MarketCalendar:
        """Holidays, special sessions and session times of one exchange for one year."""
        params = {"year": year, "exchange": exchange}
        return await self._get_as(MarketCalendar, "/api/market/calendar", params)

    async def database_report(self) -> DatabaseReport:
        """Dialect, schema revision vs head, size and row count per table."""
        return await self._get_as(DatabaseReport, "/api/system/database")

    async def jobs(self) -> list[JobSummary]:
        """Every scheduled job with schedule, next run, last status and success count."""
        return await self._get_as(list[JobSummary], "/api/system/jobs")

    async def job_history(self, job_id: str, limit: int = 50) -> list[JobRun]:
        """The newest runs of one job."""
        path = f"/api/system/jobs/{quote(job_id, safe='')}/history"
        return await self._get_as(list[JobRun], path, {"limit": limit})

    async def auth_status(self) -> SessionStatus:
        """Upstox session: mode, state (none/active/expired/revoked), user, expiry."""
        return await self._get_as(SessionStatus, "/api/auth/status")

    async def begin_login(self, return_to: str = "dashboard") -> LoginStarted:
        """A fresh Upstox authorization-dialog URL (the callback returns to the dashboard)."""
        return await self._post_as(LoginStarted, "/api/auth/login", {"return_to": return_to})

    async def logout(self) -> LoggedOut:
        """End the Upstox session."""
        return await self._post_as(LoggedOut, "/api/auth/logout")

    async def profile(self) -> Profile:
        """The Upstox profile (needs a session)."""
        return await self._get_as(Profile, "/api/account/profile")

    async def margins(self) -> Margins:
        """Available, used and collateral margin per segment (needs a session)."""
        return await self._get_as(Margins, "/api/account/margins")

    async def feed_health(self) -> FeedHealth:
        """The market feed's state, last tick age, reconnects and subscriptions."""
        return await self._get_as(FeedHealth, "/api/feed/health")

    async def search_instruments(
        self,
        text: str,
        segment: str | None = None,
        instrument_type: str | None = None,
        limit: int = 20,
    ) -> list[Instrument]:
        """Type-ahead over the instrument list: exact matches first, then prefixes."""
        params: dict[str, Any] = {"q": text, "limit": limit}
        if segment:
            params["segment"] = segment
        if instrument_type:
            params["type"] = instrument_type
        return await self._get_as(list[Instrument], "/api/instruments/search", params)

    async def resolve_instrument(self, text: str) -> ResolvedInstrument:
        """The one instrument a symbol, key, ISIN or option symbol names (404/409/422 if not)."""
        return await self._get_as(ResolvedInstrument, "/api/instruments/resolve", {"q": text})

    async def instruments_status(self) -> InstrumentsStatus:
        """Instruments stored, the last good load (date, counts per segment), the last try."""
        return await self._get_as(InstrumentsStatus, "/api/instruments/status")

    async def start_backfill(
        self, instrument: str, interval: str, from_date: str, to_date: str
    ) -> BackfillTask:
        """Queue a candle backfill (the scheduler runs it); ``instrument`` is a symbol or a key."""
        field = "instrument_key" if "|" in instrument else "symbol"
        body = {field: instrument, "interval": interval, "from": from_date, "to": to_date}
        return await self._post_as(BackfillTask, "/api/candles/backfill", body)

    async def chart_backfill_plan(
        self, interval: str, from_date: str | None = None, to_date: str | None = None
    ) -> ChartBackfillPlan:
        """What a chart's one-click backfill would fetch (series, range, range in words)."""
        params = {"interval": interval}
        params.update({k: v for k, v in (("from", from_date), ("to", to_date)) if v})
        return await self._get_as(ChartBackfillPlan, "/api/candles/backfill/chart", params)

    async def start_chart_backfill(
        self, symbol: str, interval: str, from_date: str | None = None, to_date: str | None = None
    ) -> BackfillTask:
        """Queue the backfill a chart at ``interval`` needs (the API picks series and range)."""
        body = {"symbol": symbol, "interval": interval}
        body.update({k: v for k, v in (("from", from_date), ("to", to_date)) if v})
        return await self._post_as(BackfillTask, "/api/candles/backfill/chart", body)

    async def fill_gaps(self, symbol: str, interval: str) -> list[BackfillTask]:
        """Queue what a stored series lacks (its gaps and up to today); [] if nothing."""
        body = {"symbol": symbol, "interval": interval}
        return await self._post_as(list[BackfillTask], "/api/candles/backfill/gaps", body)

    async def backfill_task(self, task_id: int) -> BackfillTask:
        """One backfill's state and progress."""
        return await self._get_as(BackfillTask, f"/api/candles/backfill/{task_id}")

    async def backfill_tasks(self, limit: int = 20) -> list[BackfillTask]:
        """Recent backfills, newest first."""
        return await self._get_as(list[BackfillTask], "/api/candles/backfill", {"limit": limit})

    async def candles(
        self,
        symbol: str,
        interval: str = "1d",
        start: str | None = None,
        end: str | None = None,
        indicators: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> CandleSeries:
        """One page of stored candles (resampled as needed) with optional indicator lines."""
        params: dict[str, Any] = {"interval": interval}
        for name, value in (("from", start), ("to", end), ("indicators", indicators),
                            ("cursor", cursor), ("limit", limit)):  # fmt: skip
            if value:
                params[name] = value
        path = f"/api/candles/{quote(symbol, safe='')}"
        return await self._get_as(CandleSeries, path, params)

    async def candle_coverage(
        self, symbol: str | None = None, interval: str | None = None
    ) -> list[SeriesCoverage]:
        """First, last, count, freshness and gaps of each stored candle series."""
        params = {k: v for k, v in (("symbol", symbol), ("interval", interval)) if v}
        return await self._get_as(list[SeriesCoverage], "/api/candles/coverage", params)

    async def quotes(self, symbols: list[str]) -> list[Quote]:
        """Full quotes (LTP, OHLC, change, depth, volume, OI, circuits), at most 1 s old."""
        return await self._get_as(list[Quote], "/api/quotes", {"symbols": ",".join(symbols)})

    async def watchlists(self) -> list[WatchlistSummary]:
        """Every watchlist with its number of instruments, by name."""
        return await self._get_as(list[WatchlistSummary], "/api/watchlists")

    async def watchlist(self, watchlist_id: int) -> Watchlist:
        """One list's instruments with LTP, change, % change and volume."""
        return await self._get_as(Watchlist, f"/api/watchlists/{watchlist_id}")

    async def create_watchlist(self, name: str) -> WatchlistSummary:
        """A new empty list (409 when the name is taken)."""
        data = await self.send("POST", "/api/watchlists", {"name": name})
        return parse_data(WatchlistSummary, data, "POST /api/watchlists")

    async def rename_watchlist(self, watchlist_id: int, name: str) -> WatchlistSummary:
        path = f"/api/watchlists/{watchlist_id}"
        return parse_data(
            WatchlistSummary, await self.send("PATCH", path, {"name": name}), f"PATCH {path}"
        )

    async def delete_watchlist(self, watchlist_id: int) -> WatchlistDeleted:
        path = f"/api/watchlists/{watchlist_id}"
        return parse_data(WatchlistDeleted, await self.send("DELETE", path), f"DELETE {path}")

    async def add_to_watchlist(self, watchlist_id: int, symbol_or_key: str) -> WatchlistItemChange:
        """Add an instrument by symbol or key; adding it twice is harmless."""
        path = f"/api/watchlists/{watchlist_id}/items"
        field = "instrument_key" if "|" in symbol_or_key else "symbol"
        data = await self.send("POST", path, {field: symbol_or_key})
        return parse_data(WatchlistItemChange, data, f"POST {path}")

    async def remove_from_watchlist(
        self, watchlist_id: int, symbol_or_key: str
    ) -> WatchlistItemChange:
        path = f"/api/watchlists/{watchlist_id}/items/{quote(symbol_or_key, safe='')}"
        return parse_data(WatchlistItemChange, await self.send("DELETE", path), f"DELETE {path}")
