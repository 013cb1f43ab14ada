"""The platform's services, built once per process into one typed container.

The API (``create_app``), the scheduler's jobs and the CLI commands each call
:func:`build_services` once and pass the result down; routes read it with
``scripts.api.context.services()``. A new service is one more field here and
one line in ``build_services``: nothing looks a service up by a string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scripts.config.settings import Settings
from scripts.db import Database
from scripts.feed_link.client import FeedLink
from scripts.nse.client import NseIndexClient
from scripts.services.broker import BrokerService
from scripts.services.broker_status import BrokerProbe
from scripts.services.candle_backfill import CandleBackfillService
from scripts.services.candle_coverage import CandleCoverageService
from scripts.services.candle_reads import CandleReadsService
from scripts.services.candle_sync import CandleSyncService
from scripts.services.health import HealthService
from scripts.services.instruments import InstrumentsService
from scripts.services.job_runs import JobRunsService
from scripts.services.market_feed import MarketFeedService
from scripts.services.market_status import MarketStatusService
from scripts.services.nse_indices import NseIndicesService
from scripts.services.quotes import QuotesService
from scripts.services.trading_calendar import TradingCalendarService
from scripts.services.watchlists import WatchlistsService
from scripts.upstox.rest.client import UpstoxClient


@dataclass(frozen=True)
class PlatformServices:
    settings: Settings
    database: Database
    broker: BrokerService
    market_feed: MarketFeedService
    health: HealthService
    job_runs: JobRunsService
    market_status: MarketStatusService
    trading_calendar: TradingCalendarService
    instruments: InstrumentsService
    candle_backfill: CandleBackfillService
    candle_sync: CandleSyncService
    candle_reads: CandleReadsService
    candle_coverage: CandleCoverageService
    quotes: QuotesService
    watchlists: WatchlistsService
    nse_indices: NseIndicesService

    def close(self) -> None:
        """Close the feed link and the Upstox client (the database belongs to the caller)."""
        self.market_feed.stop()
        self.broker.close()


def build_services(
    settings: Settings,
    database: Database | None = None,
    *,
    upstox_client: UpstoxClient | None = None,
    nse_client_factory: Callable[[], NseIndexClient] | None = None,
) -> PlatformServices:
    """Wire every service for one process; no connection is opened until first use."""
    database = database or Database(settings.database_url)
    broker = BrokerService(settings, database, client=upstox_client)
    instruments = InstrumentsService(database, broker)
    # The API's client of the feed process (its own process: one Upstox connection).
    market_feed = MarketFeedService(FeedLink(settings.feed_host, settings.feed_port), instruments)
    health = HealthService(settings, database, BrokerProbe(settings), broker, market_feed)
    trading_calendar = TradingCalendarService(database)
    candle_reads = CandleReadsService(database, instruments)
    quotes = QuotesService(broker, instruments)
    candle_coverage = CandleCoverageService(database, trading_calendar, candle_reads)
    return PlatformServices(
        settings=settings,
        database=database,
        broker=broker,
        market_feed=market_feed,
        health=health,
        job_runs=JobRunsService(database),
        market_status=MarketStatusService(trading_calendar),
        trading_calendar=trading_calendar,
        instruments=instruments,
        candle_backfill=CandleBackfillService(
            database, broker, trading_calendar, instruments, coverage=candle_coverage
        ),
        candle_sync=CandleSyncService(database, broker, trading_calendar),
        candle_reads=candle_reads,
        candle_coverage=candle_coverage,
        quotes=quotes,
        watchlists=WatchlistsService(database, broker, instruments, quotes, market_feed),
        # A fresh NSE session per refresh run (the run is minutes apart from the next).
        nse_indices=NseIndicesService(
            database,
            nse_client_factory or (lambda: NseIndexClient(settings.nse_indices_urls)),
        ),
    )
