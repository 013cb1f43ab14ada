"""The one place where Upstox's typed errors become service errors.

Every service that calls the Upstox client wraps the call in :func:`call_upstox`
(or the :func:`upstox_errors` block), so a trader sees the same message for the
same failure whichever page or job met it, and the API maps it to one status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from scripts.services.errors import (
    BrokerLoginRequired,
    BrokerRateLimited,
    NotFound,
    ServiceError,
    UpstreamUnavailable,
    ValidationFailed,
)
from scripts.upstox.errors import (
    InvalidRequest,
    NotAvailableInMode,
    RateLimited,
    TokenExpired,
    UpstoxError,
    UpstoxUnavailable,
)

T = TypeVar("T")


@contextmanager
def upstox_errors() -> Iterator[None]:
    """Translate any ``UpstoxError`` raised inside the block into a ``ServiceError``."""
    try:
        yield
    except TokenExpired:
        raise BrokerLoginRequired(
            "Upstox says the session is no longer valid; log in again "
            "(./authenticate.sh or the Profile & Connection page)."
        ) from None
    except RateLimited as error:
        raise BrokerRateLimited(
            "Upstox's rate limit was reached; try again in a few seconds"
            + (f" (retry after {error.retry_after:.0f} s)." if error.retry_after else "."),
            retry_after_seconds=error.retry_after,
        ) from None
    except (UpstoxUnavailable, NotAvailableInMode) as error:
        raise UpstreamUnavailable(error.message) from None
    except InvalidRequest as error:
        raise ValidationFailed(error.message) from None
    except UpstoxError as error:
        if error.status == 404:
            raise NotFound(f"Upstox: {error.message}") from None
        detail = f" [{error.code}]" if error.code else ""
        raise ServiceError(f"Upstox refused the request{detail}: {error.message}") from None


def call_upstox(action: Callable[[], T]) -> T:
    """Run one Upstox client call with its errors translated."""
    with upstox_errors():
        return action()
