"""A local stand-in for Upstox: its REST wire format, OAuth, a simulated market and exchange.

The package is self-contained on purpose: it shares only the wire format with the
platform, so the platform cannot tell it from the real broker except by its host.
Nothing here runs at import time; build a server with ``app.create_app(config)``.
"""
