"""Which host serves which path, per platform mode.

Three modes (docs/UPSTOX_API.md §1.1 and §11):

- ``sandbox``: the platform's built-in sandbox; every host is ``sandbox_url``.
- ``live``: ``api.upstox.com`` for REST, ``api-hft.upstox.com`` for single-order
  place/modify/cancel (v2 and v3) [SDK], ``assets.upstox.com`` for instrument files.
- ``upstox-sandbox``: Upstox's own sandbox. It serves only seven order-write paths [SDK
  whitelist]; anything else raises ``NotAvailableInMode`` before a request is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from scripts.config.modes import MODE_NAMES, TradingMode
from scripts.upstox.errors import NotAvailableInMode

LIVE_API = "https://api.upstox.com"
LIVE_ORDER = "https://api-hft.upstox.com"
LIVE_ASSETS = "https://assets.upstox.com"
UPSTOX_SANDBOX = "https://api-sandbox.upstox.com"

# The SDK routes any path containing /order/place, /order/modify or /order/cancel to the HFT host
# (§1.1 [SDK]). Listed exactly, so /v2/order/multi/place, /v2/order/multi/cancel and GTT stay on
# the api host (their paths do not contain those substrings either).
HFT_PATHS = frozenset(
    {
        "/v2/order/place",
        "/v2/order/modify",
        "/v2/order/cancel",
        "/v3/order/place",
        "/v3/order/modify",
        "/v3/order/cancel",
    }
)

# Upstox sandbox whitelist (§11 [SDK]: the SDK raises ValueError for anything else).
UPSTOX_SANDBOX_PATHS = HFT_PATHS | {"/v2/order/multi/place"}


@dataclass(frozen=True)
class UpstoxHosts:
    """Base URLs (no trailing slash) and, for Upstox's sandbox, the paths it serves."""

    api: str
    order: str
    assets: str
    mode: TradingMode = TradingMode.LIVE
    allowed_paths: frozenset[str] | None = None

    def base_for(self, path: str) -> str:
        """Base URL for ``path``; raises ``NotAvailableInMode`` if this mode cannot serve it."""
        if self.allowed_paths is not None and path not in self.allowed_paths:
            raise NotAvailableInMode(
                f"{path} is not available in mode={self.mode}: Upstox's sandbox serves only "
                "order place/modify/cancel. Use mode=sandbox (the built-in sandbox) for market "
                "data, portfolio, GTT and account calls."
            )
        return self.order if path in HFT_PATHS else self.api

    def assets_url(self, path: str) -> str:
        """Full URL of an instrument file; refused where the mode has no assets host."""
        if self.allowed_paths is not None:
            raise NotAvailableInMode(
                f"instrument files are not available in mode={self.mode}; use mode=sandbox or live"
            )
        return f"{self.assets}{path}"


def hosts_for_mode(mode: TradingMode | str, sandbox_url: str = "") -> UpstoxHosts:
    """The hosts for a platform mode; ``sandbox_url`` is used only by ``mode="sandbox"``."""
    try:
        mode = TradingMode(mode)
    except ValueError:
        raise ValueError(
            f"unknown mode {mode!r}; expected one of {', '.join(MODE_NAMES)}"
        ) from None
    if mode is TradingMode.SANDBOX:
        if not sandbox_url:
            raise ValueError("mode=sandbox needs sandbox_url, e.g. http://127.0.0.1:9100")
        base = sandbox_url.rstrip("/")
        return UpstoxHosts(api=base, order=base, assets=base, mode=mode)
    if mode is TradingMode.LIVE:
        return UpstoxHosts(api=LIVE_API, order=LIVE_ORDER, assets=LIVE_ASSETS, mode=mode)
    return UpstoxHosts(  # TradingMode.UPSTOX_SANDBOX, the only mode left
        api=UPSTOX_SANDBOX,
        order=UPSTOX_SANDBOX,
        assets=UPSTOX_SANDBOX,
        mode=mode,
        allowed_paths=UPSTOX_SANDBOX_PATHS,
    )
