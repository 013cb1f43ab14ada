"""URL building for Upstox paths and queries, with instrument keys encoded as Upstox expects."""

from __future__ import annotations

from typing import Sequence
from urllib.parse import quote


def encode_key(value: str) -> str:
    """URL-encode one instrument key or other value: ``|`` -> ``%7C``, space -> ``%20`` (§0).

    ``quote`` with no safe characters, so ``/`` in a path segment is escaped too. httpx's own
    ``params=`` encoding turns a space into ``+``, which is why queries are built here.
    """
    return quote(value, safe="")


def encode_keys(keys: Sequence[str]) -> str:
    """A comma-separated key list; the commas stay literal as list separators (§0)."""
    return ",".join(encode_key(k) for k in keys)


def build_query(params: dict[str, object | None]) -> str:
    """``a=1&b=x%7Cy`` from params, skipping ``None``; bools as ``true``/``false``.

    Values already joined by ``encode_keys`` are passed as ``RawQueryValue`` to avoid
    double-encoding.
    """
    parts = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, RawQueryValue):
            text = str(value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = encode_key(str(value))
        parts.append(f"{name}={text}")
    return "&".join(parts)


class RawQueryValue(str):
    """A query value that is already URL-encoded."""
