"""Fixtures for the feed tests: the fake FeedSource and the sandbox feed server on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.upstox.feed.feed_fixtures import FakeFeedSource, Sandbox, running_sandbox


@pytest.fixture
def fake_source() -> FakeFeedSource:
    return FakeFeedSource()


@pytest.fixture
async def fake_feed_server(fake_source: FakeFeedSource) -> AsyncIterator[Sandbox]:
    async with running_sandbox(fake_source) as running:
        yield running
