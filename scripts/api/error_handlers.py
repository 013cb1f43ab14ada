"""One place that turns every failure into the JSON error envelope, never HTML.

Covers malformed JSON (400), a missing/wrong API key (401), unknown paths
(404), wrong methods (405), request validation (422, naming the failing
field), typed service errors, and anything unexpected (500 without
internals; the traceback goes to the log under the request's trace id).
"""

from __future__ import annotations

import logging
import math

from flask import Flask, Response, current_app, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from scripts.api.envelope import error_response
from scripts.services.errors import ServiceError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: (
        "bad_request",
        "The request could not be read. Send valid JSON with " "Content-Type: application/json.",
    ),
    401: ("unauthorized", "Send your API key in the X-API-Key header (API_KEY in .env)."),
    403: ("forbidden", "This API key may not do that."),
    404: ("not_found", "No such endpoint. The list of endpoints is at /api/docs."),
    405: ("method_not_allowed", "This endpoint does not accept that HTTP method."),
    413: ("payload_too_large", "The request body is too large."),
    415: (
        "unsupported_media_type",
        "Send the body as JSON with Content-Type: " "application/json.",
    ),
}


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(Exception, _unexpected_error)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status >= 500:
        return _unexpected_error(error)
    code, default_message = _HTTP_CODES.get(status, ("http_error", error.description or ""))
    message = default_message
    if status == 400 and error.description and "JSON" in error.description:
        message = "The request body is not valid JSON: " + error.description
    response = error_response(status, code, message)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _service_error(error: ServiceError) -> Response:
    response = error_response(error.http_status, error.code, error.message, error.field)
    retry_after = getattr(error, "retry_after_seconds", None)
    if retry_after is not None:
        # A 429 says when to come back: in the envelope for scripts, in Retry-After (whole
        # seconds, RFC 9110) for HTTP clients and proxies.
        body = response.get_json()
        body["error"]["retry_after_seconds"] = round(retry_after, 1)
        response.set_data(current_app.json.dumps(body))
        response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


def _unexpected_error(error: Exception) -> Response:
    log.exception("unhandled error while serving a request: %s", type(error).__name__)
    return error_response(
        500,
        "internal_error",
        "Something went wrong on the server. The log has the details under this trace id.",
    )


def validation_error_response(error: ValidationError) -> Response:
    """flask-openapi3's hook: a 422 that names the first failing field and why.

    flask-openapi3 reads bodies with ``get_json(silent=True)``, so unreadable
    JSON reaches this hook as a validation error of the whole body; it is
    reported as the 400 it really is.
    """
    if request.get_data() and request.get_json(silent=True) is None:
        return error_response(
            400,
            "bad_request",
            "The request body is not valid JSON. Send a JSON object with "
            "Content-Type: application/json.",
        )
    details = error.errors(include_url=False, include_context=False, include_input=False)
    first = details[0] if details else {"loc": (), "msg": "invalid request"}
    location = [str(part) for part in first.get("loc", ())]
    field = ".".join(location) if location else None
    message = f"{field}: {first.get('msg')}" if field else str(first.get("msg"))
    # json_invalid here means the body parsed, as a JSON string: flask-openapi3 re-reads it.
    not_an_object = ("json_invalid", "model_type", "model_attributes_type", "dict_type")
    if not location and first.get("type") in not_an_object:
        return error_response(
            422,
            "validation_error",
            "The request body must be a JSON object ({...}), not an array or a single value; "
            "each endpoint's fields are listed at /api/docs.",
        )
    return error_response(422, "validation_error", message, field)
