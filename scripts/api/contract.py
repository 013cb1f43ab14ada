"""How a route declares and keeps its documented contract (scripts/api_schemas).

A route lists its answers with :func:`documented` (the 200 body and the error
statuses it can really return, each as the error envelope) and answers through
:func:`answer`, which validates the service's data against the declared model
on the way out: a service whose output drifts from the spec fails loudly (a 500
logged with the trace id, caught by the tests) instead of surprising a client.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, jsonify
from flask.json.provider import DefaultJSONProvider
from flask_openapi3 import OpenAPI
from pydantic import BaseModel

from scripts.api_schemas.envelope import ErrorEnvelope, SuccessEnvelope

# The statuses an Upstox call can end in, as scripts/services/upstox_errors.py maps them:
# refused (400), not found (404), session needed (409), invalid (422), rate limit (429),
# Upstox down or not available in this mode (502).
UPSTOX_ERRORS = (400, 404, 409, 422, 429, 502)
# A JSON body can be unreadable or too deep (400), or larger than MAX_CONTENT_LENGTH (413).
BODY_ERRORS = (400, 413, 422)
KEY_ERRORS = (401,)

# flask-openapi3's ``responses=`` mapping, and what a handler returns (body, status).
Responses = dict[str | int | HTTPStatus, type[BaseModel] | dict[Any, Any] | None]
Answer = tuple[Response, int]


def documented(data: Any, *errors: int, status: int = 200) -> Responses:
    """``responses=`` for a route: its success envelope of ``data`` and its error statuses."""
    declared: Responses = {status: SuccessEnvelope[data]}
    for code in sorted(set(errors)):
        declared[code] = ErrorEnvelope
    return declared


def answer(data_model: Any, data: Any, status: int = 200) -> Answer:
    """The success envelope of ``data``, validated as ``data_model`` (a model or list[model])."""
    envelope = SuccessEnvelope[data_model].model_validate({"data": data})
    return jsonify(envelope.model_dump(mode="json")), status


class InOrderJSONProvider(DefaultJSONProvider):
    """Keys in the order the models declare them (Flask sorts them by default)."""

    sort_keys = False


class ContractOpenAPI(OpenAPI):
    """flask-openapi3, with the validation error documented as the envelope the API sends.

    flask-openapi3 4.3.2 adds a 422 to every operation that does not declare one, as an
    array of its own ``ValidationErrorModel``; our ``validation_error_callback`` answers
    the envelope instead. Routes that take input declare 422 themselves (``documented``);
    here any 422 left in flask-openapi3's shape is made the envelope where the operation
    has input to reject, and dropped where it has none (it could never be answered).
    """

    json_provider_class = InOrderJSONProvider

    def generate_spec_json(self) -> None:
        super().generate_spec_json()  # type: ignore[no-untyped-call]  # untyped in 4.3.2
        status = self.validation_error_status
        envelope = {"$ref": f"#/components/schemas/{ErrorEnvelope.__name__}"}
        for path_item in self.spec_json["paths"].values():
            for operation in path_item.values():
                response = operation.get("responses", {}).get(status)
                schema = (response or {}).get("content", {}).get("application/json", {})
                if schema.get("schema", {}).get("type") != "array":
                    continue
                if operation.get("parameters") or operation.get("requestBody"):
                    response["content"]["application/json"]["schema"] = envelope
                    response["description"] = "Validation error: names the field and the fix"
                else:
                    del operation["responses"][status]
