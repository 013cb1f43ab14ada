"""Fixtures of this folder's candle tests: a sandbox keeping the real NSE calendar."""

from tests.candle_fixtures import calendar_sandbox, candle_api, candle_settings  # noqa: F401
