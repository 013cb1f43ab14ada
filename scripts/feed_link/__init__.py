"""The API process's loopback link to the market-feed process (scripts/feed_process).

A layer of its own because services may not hold an HTTP client (tests/test_layers.py):
``scripts/services/market_feed.py`` talks to the feed process only through
:class:`~scripts.feed_link.client.FeedLink`, as it talks to Upstox only through
``scripts/upstox``. It knows nothing of services, the database or Upstox.
"""
