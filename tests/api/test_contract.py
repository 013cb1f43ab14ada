"""Every route documents its answers: a JSON body for success, the error envelope for errors."""

from __future__ import annotations

import pytest
from flask_openapi3 import APIBlueprint

from scripts.api.contract import answer, documented
from scripts.api_schemas.market import MarketStatus

ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def _schema_of(response: dict) -> dict:
    return response.get("content", {}).get("application/json", {}).get("schema", {})


def _resolve(spec: dict, schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


@pytest.fixture
def spec(app) -> dict:
    return app.test_client().get("/api/openapi.json").get_json()


def test_every_operation_documents_a_json_success_body_inside_the_envelope(spec) -> None:
    operations = _operations(spec)
    assert len(operations) >= 16
    for path, method, operation in operations:
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert success, f"{method.upper()} {path} documents no 2xx answer"
        body = _resolve(spec, _schema_of(operation["responses"][success[0]]))
        assert body.get("properties", {}).keys() >= {"status", "data"}, (method, path, body)
        data = body["properties"]["data"]
        assert data.get("$ref") or data.get("type") == "array", (method, path, data)


def test_every_error_status_is_documented_as_the_error_envelope(spec) -> None:
    for path, method, operation in _operations(spec):
        errors = {code: r for code, r in operation["responses"].items() if code[0] in "45"}
        if operation.get("security"):
            assert "401" in errors, f"{method.upper()} {path} needs the key but documents no 401"
        for code, response in errors.items():
            assert _schema_of(response) == {"$ref": ENVELOPE_REF}, (method, path, code)


def test_validation_error_is_documented_as_the_envelope_not_a_bare_array(spec) -> None:
    history = spec["paths"]["/api/system/jobs/{job_id}/history"]["get"]["responses"]
    assert _schema_of(history["422"]) == {"$ref": ENVELOPE_REF}
    envelope = spec["components"]["schemas"]["ErrorEnvelope"]
    assert set(envelope["required"]) >= {"error", "trace_id"}
    assert "ValidationErrorModel" not in spec["components"]["schemas"]
    # A route with nothing to validate does not claim it can answer 422.
    assert "422" not in spec["paths"]["/api/health"]["get"]["responses"]


def test_routes_behind_the_key_document_401_and_upstox_routes_their_failures(spec) -> None:
    profile = spec["paths"]["/api/account/profile"]["get"]["responses"]
    assert {"200", "401", "409", "429", "502"} <= set(profile)
    assert "401" not in spec["paths"]["/api/health"]["get"]["responses"]
    login = spec["paths"]["/api/auth/login"]["post"]["responses"]
    assert {"400", "401", "422"} <= set(login)


def test_an_answer_that_drifts_from_its_model_is_a_500_not_a_silent_change(settings) -> None:
    from scripts.api.app import create_app

    drift = APIBlueprint("drift", __name__, url_prefix="/api/drift")

    @drift.get("/status", responses=documented(MarketStatus))
    def drifted():  # type: ignore[no-untyped-def]
        return answer(MarketStatus, {"exchange": "NSE", "status": "sideways"})

    app = create_app(settings)
    app.register_api(drift)
    client = app.test_client()
    response = client.get("/api/drift/status", headers={"X-API-Key": settings.api_key})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"


def test_the_contract_package_imports_nothing_of_the_platform() -> None:
    """The dashboard imports scripts/api_schemas; it must not drag services or Flask along."""
    from tests.test_layers import imports_of, modules_under

    bad = [
        f"{path.name} imports {name}"
        for path in modules_under("scripts/api_schemas")
        for name in imports_of(path)
        if name.split(".")[0] not in {"__future__", "datetime", "decimal", "typing", "pydantic"}
        and not name.startswith("scripts.api_schemas")
        # The wire's constants (feed modes) are plain enums shared with the sandbox.
        and not name.startswith("scripts.upstox_wire.feed_modes")
    ]
    assert not bad, bad
