"""Upstox wire formats shared by the platform's feed client and the sandbox's feed server.

``feed_pb2()`` returns the generated protobuf module for the market data feed v3,
building it first when it is missing or older than the .proto, so a fresh
checkout's tests work without a separate build step. Nothing happens at import.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

_lock = threading.Lock()
_module: ModuleType | None = None


def feed_pb2() -> ModuleType:
    """The generated ``market_data_feed_v3_pb2`` module (built on first use if needed)."""
    global _module
    if _module is not None:
        return _module
    with _lock:
        if _module is None:
            from scripts.upstox_wire import build

            build.build()
            _module = importlib.import_module("scripts.upstox_wire.market_data_feed_v3_pb2")
    return _module
