"""The market-feed process: the platform's one Upstox market-feed connection.

``python -m scripts.feed_process`` (started and supervised by the launcher) holds the
feed, the per-consumer subscriptions, the latest tick per instrument and 1-minute
bars, and serves them on a loopback HTTP interface (FEED_HOST:FEED_PORT) to every API
worker (scripts/feed_link is the client). One process, so one Upstox connection, however
many API workers run.
"""
