"""Subscription modes of the market data feed v3 and their per-connection key caps.

Both sides of the wire need these: the platform's client refuses to send an
over-limit subscription, and the sandbox's server refuses to accept one. They
live here, with the wire schema, so the two cannot drift apart.

Source: docs/UPSTOX_API.md §9.1 (Upstox docs "Limits" table).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class FeedMode(StrEnum):
    """A subscription mode as the client writes it in a ``sub``/``change_mode`` request.

    A ``StrEnum``, so a member equals (and hashes as) its wire word: the tables
    below answer a plain ``"ltpc"`` from the sandbox's parsed JSON as well.
    """

    LTPC = "ltpc"  # last price, time, quantity, close
    FULL = "full"  # LTPC + 5-level depth, OHLC, greeks for options
    OPTION_GREEKS = "option_greeks"  # LTPC + first depth level + greeks
    FULL_D30 = "full_d30"  # as full, with 30-level depth (Upstox Plus)


LTPC, FULL, OPTION_GREEKS, FULL_D30 = FeedMode
MODES: tuple[FeedMode, ...] = tuple(FeedMode)
DEFAULT_MODE = LTPC  # a `sub` without `mode` (Upstox v2 feed page, carried to v3)

# Client-side mode name -> name of the RequestMode enum value echoed in Feed.requestMode.
REQUEST_MODE_NAME: dict[str, str] = {
    LTPC: "ltpc",
    FULL: "full_d5",
    OPTION_GREEKS: "option_greeks",
    FULL_D30: "full_d30",
}
MODE_FOR_REQUEST_MODE_NAME: dict[str, str] = {v: k for k, v in REQUEST_MODE_NAME.items()}

# Depth levels carried in MarketFullFeed.marketLevel per mode.
DEPTH_LEVELS: dict[str, int] = {FULL: 5, FULL_D30: 30}

# Keys per connection when only one mode is in use ("individual") [DOC].
INDIVIDUAL_CAP: dict[str, int] = {LTPC: 5000, OPTION_GREEKS: 3000, FULL: 2000, FULL_D30: 50}
# Keys per mode when several modes are in use at once ("combined") [DOC].
COMBINED_CAP: dict[str, int] = {LTPC: 2000, OPTION_GREEKS: 2000, FULL: 1500, FULL_D30: 50}
# full_d30: "up to 50 keys per connection" is only reported second-hand and
# requires Upstox Plus [2nd-hand][?]; the 50 applies both alone and combined.


def cap_for(mode: str, modes_in_use: Iterable[str]) -> int:
    """The key cap for ``mode`` given every mode that will hold keys on the connection."""
    in_use = set(modes_in_use) | {mode}
    table = COMBINED_CAP if len(in_use) > 1 else INDIVIDUAL_CAP
    return table[mode]


def over_limit(counts: dict[str, int]) -> list[tuple[str, int, int]]:
    """(mode, count, cap) for every mode whose key count breaks its cap.

    ``counts`` is the key count per mode *after* the change being checked;
    modes with zero keys are not "in use".
    """
    in_use = [mode for mode, count in counts.items() if count > 0]
    problems = []
    for mode in in_use:
        cap = cap_for(mode, in_use)
        if counts[mode] > cap:
            problems.append((mode, counts[mode], cap))
    return problems
