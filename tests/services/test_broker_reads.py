"""Account reads against the real sandbox: shared in flight, cached for a moment, and a spent
budget answered 429 with when to retry (envelope field and Retry-After header).

The client gets a real rate limiter with a budget of one read per minute, so any second
upstream call is refused: a read that succeeds proves it did not go to the sandbox again.
"""

from __future__ import annotations

import threading

import pytest

from scripts.api.app import create_app
from scripts.services.broker import BrokerService
from scripts.services.errors import BrokerRateLimited
from scripts.services.token_vault import TokenVault
from scripts.upstox.hosts import hosts_for_mode
from scripts.upstox.rest.client import UpstoxClient
from scripts.upstox.rest.rate_limit import RateClass, RateLimiter, Window


class ManualClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def one_read_per_minute_broker(sandbox_settings, database, sandbox_login):
    """A logged-in BrokerService whose client may make one read per minute."""
    vault = TokenVault(database, sandbox_settings.encryption_keys, sandbox_settings.mode)
    client = UpstoxClient(
        hosts_for_mode("sandbox", sandbox_settings.sandbox_url),
        token_provider=vault.access_token,
        on_token_expired=lambda error: None,
        rate_limiter=RateLimiter(
            {RateClass.STANDARD: (Window(1, 60.0),), RateClass.ORDERS: (Window(10, 1.0),)}
        ),
    )
    clock = ManualClock()
    service = BrokerService(sandbox_settings, database, client=client, clock=clock)
    service.test_clock = clock  # type: ignore[attr-defined]
    yield service
    client.close()


def test_concurrent_funds_reads_share_one_sandbox_call(one_read_per_minute_broker) -> None:
    results: list[object] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def read() -> None:
        start.wait(5)
        try:
            value: object = one_read_per_minute_broker.funds()
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            value = error
        with lock:
            results.append(value)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert len(results) == 8
    assert all(isinstance(r, dict) for r in results), results
    assert all(float(r["equity"]["available_margin"]) > 0 for r in results)  # type: ignore[index]


def test_cached_funds_expire_after_two_seconds(one_read_per_minute_broker) -> None:
    first = one_read_per_minute_broker.funds()
    one_read_per_minute_broker.test_clock.now += 1.9
    assert one_read_per_minute_broker.funds() == first

    one_read_per_minute_broker.test_clock.now += 0.1
    with pytest.raises(BrokerRateLimited) as refused:
        one_read_per_minute_broker.funds()  # asked the sandbox again: the budget says no
    assert 50.0 < refused.value.retry_after_seconds <= 60.0


def test_a_refused_read_is_not_cached(one_read_per_minute_broker) -> None:
    one_read_per_minute_broker.profile()
    for _ in range(2):
        with pytest.raises(BrokerRateLimited):
            one_read_per_minute_broker.funds()
    assert one_read_per_minute_broker.profile()["user_id"]


def test_a_spent_read_budget_is_a_429_envelope_with_retry_after(
    sandbox_settings, database, one_read_per_minute_broker
) -> None:
    app = create_app(sandbox_settings, database, upstox_client=one_read_per_minute_broker.client)
    api = app.test_client()
    api.environ_base["HTTP_X_API_KEY"] = sandbox_settings.api_key

    assert api.get("/api/account/funds").status_code == 200
    refused = api.get("/api/account/funds?segment=SEC")

    assert refused.status_code == 429
    body = refused.get_json()
    assert body["status"] == "error" and body["trace_id"]
    assert body["error"]["code"] == "broker_rate_limited"
    assert body["error"]["field"] is None
    assert 50.0 < body["error"]["retry_after_seconds"] <= 60.0
    assert 50 < int(refused.headers["Retry-After"]) <= 60
    assert "try again" in body["error"]["message"]


def test_a_passed_session_check_is_trusted_for_a_second_and_own_logout_forgets_it(
    sandbox_settings, database, sandbox_login
) -> None:
    from scripts.services.broker import SESSION_SEEN_FRESH_S
    from scripts.services.errors import BrokerLoginRequired

    clock = ManualClock()
    broker = BrokerService(sandbox_settings, database, clock=clock)
    broker.require_session()
    # Another process (a CLI logout) revokes the token: seen after at most SESSION_SEEN_FRESH_S.
    BrokerService(sandbox_settings, database).vault.revoke("logged out elsewhere")
    broker.require_session()
    clock.now += SESSION_SEEN_FRESH_S + 0.01
    with pytest.raises(BrokerLoginRequired, match="logged out"):
        broker.require_session()

    # This process's own logout is seen at once, without waiting for the clock.
    from tests.sandbox_session import log_in

    app_broker = BrokerService(sandbox_settings, database, clock=clock)
    fresh = create_app(sandbox_settings, database).test_client()
    fresh.environ_base["HTTP_X_API_KEY"] = sandbox_settings.api_key
    log_in(fresh)
    app_broker.require_session()
    app_broker.logout()
    with pytest.raises(BrokerLoginRequired):
        app_broker.require_session()
