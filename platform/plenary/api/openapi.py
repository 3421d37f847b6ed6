"""The OpenAPI 3 document, built from the routes themselves.

A view declares its summary, request model and auth with `@operation(...)`; the document
walks the app's URL map, so a route cannot exist without appearing here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Blueprint, current_app, jsonify
from pydantic import BaseModel

blueprint = Blueprint("openapi", __name__)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["ok", "error"],
    "properties": {
        "ok": {"const": False},
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string"},
            },
        },
    },
}
AUTH_SCHEMES = {"bearer": [{"bearer": []}], "cookie": [{"cookie": []}, {"bearer": []}]}


def operation(
    summary: str,
    *,
    tag: str,
    body: type[BaseModel] | None = None,
    auth: str | None = None,
    responses: dict[int, str] | None = None,
) -> Callable:
    """Describes a view for the OpenAPI document; changes nothing about how it runs."""

    def mark(view: Callable) -> Callable:
        view.openapi = {
            "summary": summary,
            "tag": tag,
            "body": body,
            "auth": auth,
            "responses": responses or {},
        }
        return view

    return mark


def build_document() -> dict:
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {"Error": ERROR_SCHEMA}
    for rule in current_app.url_map.iter_rules():
        spec = getattr(current_app.view_functions[rule.endpoint], "openapi", None)
        if spec is None:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _describe(rule, spec, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Plenary API", "version": "1"},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "plenary_session"},
            },
        },
    }


def _describe(rule, spec: dict, schemas: dict) -> dict:
    described: dict = {
        "summary": spec["summary"],
        "tags": [spec["tag"]],
        "operationId": rule.endpoint.replace(".", "_"),
        "parameters": [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer" if _converter(rule, name) == "int" else "string"},
            }
            for name in sorted(rule.arguments)
        ],
        "responses": {
            "200": {"description": "success"},
            "4XX": {
                "description": "error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }
    for status, text in spec["responses"].items():
        described["responses"][str(status)] = {"description": text}
    if spec["body"] is not None:
        model = spec["body"]
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        described["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    if spec["auth"]:
        described["security"] = AUTH_SCHEMES[spec["auth"]]
    return described


def _converter(rule, name: str) -> str:
    converter = rule._converters.get(name)
    return "int" if converter is not None and converter.regex == r"\d+" else "string"


@blueprint.get("/api/openapi.json")
def openapi_json():
    return jsonify(build_document())
