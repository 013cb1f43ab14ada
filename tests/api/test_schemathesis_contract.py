"""Schemathesis against the real app on loopback: answers match the published OpenAPI spec.

Every operation in /api/openapi.json gets a few generated requests (positive data,
the API key sent, the sandbox logged in so account routes answer), and each answer
must have a documented status, the documented content type and a body that fits
the documented schema, and must never be a server error. Bounded (a few examples per
operation, no shrinking, a hard deadline) so it stays well under a minute.
"""

from __future__ import annotations

import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import LiveServer
from tests.sandbox_session import log_in

EXAMPLES_PER_OPERATION = 10
DEADLINE_SECONDS = 40.0
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def logged_in_server(sandbox_settings, database, feed_server):
    """The real app over HTTP, talking to the sandbox, with its demo user logged in (and the
    market-feed process it reads the feed from, as the launcher runs it)."""
    from scripts.api.app import create_app

    app = create_app(sandbox_settings, database)
    api = app.test_client()
    api.environ_base["HTTP_X_API_KEY"] = sandbox_settings.api_key
    log_in(api)
    server = LiveServer(app, sandbox_settings.api_port).start()
    yield server, sandbox_settings.api_key
    server.stop()
    app.extensions["upstox_platform"].close()


def _exercise(
    operation, base_url: str, headers: dict[str, str], stop_at: float
) -> tuple[int, list[str]]:
    """Run the bounded examples of one operation: how many requests, and the failures met."""
    failures: list[str] = []
    sent = [0]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def one_request(case) -> None:
        if failures or time.monotonic() > stop_at:
            return  # one failure is enough to report this operation
        sent[0] += 1
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=10)
        except (Exception, BaseExceptionGroup) as error:  # reported below, with the request
            failures.append(f"{operation.label}: {error}")

    one_request()
    return sent[0], failures


@pytest.mark.timeout(90)
def test_every_operation_answers_as_its_openapi_spec_documents(logged_in_server) -> None:
    server, api_key = logged_in_server
    spec = httpx.get(f"{server.url}/api/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(spec)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16
    stop_at = time.monotonic() + DEADLINE_SECONDS
    failures: list[str] = []
    requests: dict[str, int] = {}
    for operation in operations:
        sent, found = _exercise(operation, server.url, {"X-API-Key": api_key}, stop_at)
        requests[operation.label] = sent
        failures += found
    assert time.monotonic() < stop_at, "the contract run hit its deadline: fewer examples?"
    assert all(requests.values()), f"operations never called: {requests}"
    assert not failures, "\n\n".join(failures[:10])
