"""The OpenAPI document says what errors look like: every API error is {"detail": ...}, a message for the app's
own refusals (400, 401, 403, 404, 409, 422, 429) or FastAPI's list of field problems for a malformed request (422).
Documenting that lets clients and the fuzzer hold every response to the schema."""

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM = {
    "title": "Problem",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string", "description": "What was wrong, in words"},
                {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
            ]
        }
    },
    "required": ["detail"],
}
ERRORS = {
    "400": "The request cannot be carried out as it stands",
    "401": "Sign in, or send a live API token",
    "403": "Your role or organisation may not do this",
    "404": "Not found, or not yours to see",
    "409": "It conflicts with the record's state (a quorum, a decision already made)",
    "422": "A parameter or field is missing or out of range",
    "429": "Too many failed attempts from this account or address: wait Retry-After seconds",
}


def document_errors(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = PROBLEM
            schemas.setdefault("ValidationError", _VALIDATION_ERROR)
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    responses = operation.setdefault("responses", {})
                    for status, description in ERRORS.items():
                        content = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                        responses[status] = {"description": description, "content": content}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


_VALIDATION_ERROR = {
    "title": "ValidationError",
    "type": "object",
    "properties": {
        "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "msg": {"type": "string"},
        "type": {"type": "string"},
    },
    "required": ["loc", "msg", "type"],
}
