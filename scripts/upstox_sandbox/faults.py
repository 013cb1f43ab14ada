"""Fault injection for tests: make the next N matching requests slow, fail or hang up.

Sandbox-only (there is no such thing on real Upstox): the platform's retry, backoff and
timeout paths are tested by arming a fault through ``POST /sandbox/control/faults``.
"""

from __future__ import annotations

from typing import Any
import asyncio
import threading
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Middleware

from scripts.upstox_sandbox.upstox_envelope import Handler, UpstoxError, error_response

KINDS = ("latency", "http_429", "http_500", "http_503", "drop_connection")


@dataclass
class Fault:
    path_prefix: str
    kind: str
    count: int
    latency_ms: int = 0
    retry_after: int | None = None


class FaultInjector:
    """Armed faults, consumed first-armed-first by requests whose path matches."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, fault: Fault) -> None:
        if fault.kind not in KINDS:
            raise UpstoxError(
                "UDAPI100038", f"kind must be one of {', '.join(KINDS)}", property_path="kind"
            )
        if fault.count < 1:
            raise UpstoxError("UDAPI100038", "count must be >= 1", property_path="count")
        with self._lock:
            self._faults.append(fault)

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.path_prefix) and fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [vars(f).copy() for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


def fault_middleware(injector: FaultInjector) -> Middleware:
    """Apply an armed fault before the request reaches auth or a handler."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/sandbox/"):
            return await handler(request)
        fault = injector.take(request.path)
        if fault is None:
            return await handler(request)
        if fault.kind == "latency":
            await asyncio.sleep(fault.latency_ms / 1000.0)
            return await handler(request)
        if fault.kind == "drop_connection":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError()
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        if fault.kind == "http_429":
            err = UpstoxError("UDAPI10005", "Too Many Request Sent", 429, headers=headers)
        elif fault.kind == "http_503":
            err = UpstoxError("UDAPI100500", "Service under maintenance", 503, headers=headers)
        else:
            err = UpstoxError("UDAPI100500", "Something went wrong", 500, headers=headers)
        return error_response(err)

    return middleware
