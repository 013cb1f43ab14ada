"""Backend of the Upstox trading platform: API, scheduler, Upstox layer and database."""

__version__ = "0.1.0"
