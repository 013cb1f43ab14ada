"""The platform's one clock and one market time zone.

Times are stored in UTC (``utc_now``) and shown in India Standard Time
(``IST``), the zone of NSE/BSE trading hours. Every platform module takes
both from here; the sandbox keeps its own copy because it shares nothing
with the platform but the wire format.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

IST_NAME = "Asia/Kolkata"  # IANA name; India has had no DST since 1945 (fixed +05:30)
IST = ZoneInfo(IST_NAME)


def utc_now() -> datetime:
    """Now, aware, in UTC: the only form the database accepts (``UTCDateTime``)."""
    return datetime.now(timezone.utc)
