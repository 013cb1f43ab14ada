"""How values from the API are shown: times in IST, ages, sizes, market and job states.

The API speaks UTC ISO strings and raw numbers; the trader reads Indian time
and words. Kept in one module so every page says "closed" and "2 min ago" the
same way.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from scripts.clock import IST

# Market status code -> (words, Quasar colour)
MARKET_STATES: dict[str, tuple[str, str]] = {
    "open": ("Open", "positive"),
    "pre_open": ("Pre-open", "warning"),
    "closed": ("Closed", "grey-7"),
    "holiday": ("Holiday", "deep-purple"),
    "weekend": ("Weekend", "grey-7"),
}

# Candle interval code (as the candles API takes it) -> its words, in the order pages list them.
CANDLE_INTERVALS: dict[str, str] = {
    "1m": "1 minute",
    "5m": "5 minutes",
    "15m": "15 minutes",
    "30m": "30 minutes",
    "1h": "1 hour",
    "1d": "1 day",
    "1w": "1 week",
    "1M": "1 month",
}


def market_words(status: str | None) -> tuple[str, str]:
    if not status:
        return "unknown", "grey"
    return MARKET_STATES.get(status, (status.replace("_", " ").capitalize(), "grey"))


def ist_time(value: str | datetime | None, with_date: bool = True) -> str:
    """An ISO timestamp (or a datetime) as IST, e.g. ``25 Nov 14:05 IST``; ``—`` when none."""
    if not value:
        return "—"
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except ValueError:
        return str(value)
    if moment.tzinfo is None:  # the API sends UTC; a naive value is UTC too
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(IST)
    return local.strftime("%d %b %H:%M IST" if with_date else "%H:%M:%S IST")


def age(seconds: float | None) -> str:
    """``12 s ago``, ``3 min ago``, ``2 h ago``."""
    if seconds is None:
        return "—"
    seconds = max(0.0, float(seconds))
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


def size(num_bytes: int | None) -> str:
    if num_bytes is None:
        return "—"
    value = float(num_bytes)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def count(value: int | None) -> str:
    """Indian digit grouping (12,34,567), as traders read figures."""
    if value is None:
        return "—"
    sign, digits = ("-", str(-value)) if value < 0 else ("", str(value))
    if len(digits) <= 3:
        return sign + digits
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return sign + ",".join([*groups, tail])


def rupees(value: str | float | Decimal | None) -> str:
    """₹ with Indian digit grouping and paise, e.g. ₹10,00,000.00; "—" when unknown."""
    if value is None:
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    whole, paise = f"{abs(amount):.2f}".split(".")
    return f"{sign}₹{count(int(whole))}.{paise}"
