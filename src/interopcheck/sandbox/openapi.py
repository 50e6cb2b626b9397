"""The sandbox's OpenAPI 3.1 document, built from the same tables the app serves from.

Strict response schemas (no unknown fields), every status the app can answer documented with
problem+json errors, OAuth 2.0 client credentials on every /v1 operation and `security: []` on
the public ones, so schemathesis run against the conformant sandbox finds nothing.
"""

from __future__ import annotations

from typing import Any

from interopcheck.sandbox.fields import data_dictionary, record_schema
from interopcheck.sandbox.openapi_exit import deletion_paths, document_content, return_paths
from interopcheck.sandbox.openapi_parts import SECURED as _SECURED
from interopcheck.sandbox.openapi_parts import errors as _errors
from interopcheck.sandbox.openapi_parts import json_content as _json
from interopcheck.sandbox.openapi_parts import pascal
from interopcheck.sandbox.openapi_parts import ref as _ref
from interopcheck.sandbox.products import REFERENCE, Product
from interopcheck.sandbox.subject_access import spec_paths as subject_access_paths
from interopcheck.sandbox.web import collections_of

SERVER = "sandbox.example-housing.test"
def _type_pattern(entities: tuple[str, ...]) -> str:
    """The pattern of the export job's `_type`: a comma-separated list of `entities`."""
    return "^(" + "|".join(entities) + ")(,(" + "|".join(entities) + "))*$"


def _collection_ops(segment: str, entity: str) -> dict[str, Any]:
    """The list and item operations of one collection."""
    name = pascal(entity)
    ops: dict[str, Any] = {
        f"/v1/{segment}": {
            "get": {
                "operationId": f"list{pascal(segment)}",
                "summary": f"List {entity} records, a page at a time",
                "tags": [entity],
                "security": _SECURED,
                "parameters": [_ref("parameters", p) for p in ("limit", "cursor", "updated_since")],
                "responses": {
                    "200": {"description": f"A page of {entity} records.", "content": _json(_ref("schemas", f"{name}Page"))},
                    **_errors(400, 401, 500),
                },
            }
        },
        f"/v1/{segment}/{{id}}": {
            "get": {
                "operationId": f"get{name}",
                "summary": f"Read one {entity} record",
                "tags": [entity],
                "security": _SECURED,
                "parameters": [_ref("parameters", "id")],
                "responses": {"200": {"description": f"The {entity} record.", "content": _json(_ref("schemas", name))}, **_errors(401, 404, 500)},
            }
        },
    }
    return ops


def _export_ops(entity: str) -> dict[str, Any]:
    """The NDJSON and CSV export operations of one entity."""
    ops = {}
    for fmt, media, what in (("ndjson", "application/x-ndjson", "one JSON record per line"), ("csv", "text/csv", "RFC 4180 CSV with a header row")):
        ops[f"/v1/exports/{entity}.{fmt}"] = {
            "get": {
                "operationId": f"export{pascal(entity)}{fmt.capitalize()}",
                "summary": f"Export every {entity} record as {fmt.upper()} ({what})",
                "tags": ["export"],
                "security": _SECURED,
                "parameters": [_ref("parameters", "since")],
                "responses": {"200": {"description": f"The {entity} export, streamed.", "content": _json({"type": "string"}, media)}, **_errors(400, 401, 500)},
            }
        }
    return ops


def _schemas(product: Product) -> dict[str, Any]:
    """Every component schema: records (in the product's fields), pages, problems, token, exports."""
    schemas: dict[str, Any] = {}
    for entity in product.entities:
        name = pascal(entity)
        schemas[name] = record_schema(entity, product.fields(entity))
        schemas[f"{name}Page"] = {
            "type": "object",
            "properties": {"data": {"type": "array", "items": _ref("schemas", name)}, "links": _ref("schemas", "Links"), "meta": _ref("schemas", "Meta")},
            "required": ["data", "links", "meta"],
            "additionalProperties": False,
        }
    schemas["Links"] = {
        "type": "object",
        "properties": {"self": {"type": "string", "format": "uri"}, "next": {"type": "string", "format": "uri", "description": "Absent on the last page."}},
        "required": ["self"],
        "additionalProperties": False,
    }
    schemas["Meta"] = {"type": "object", "properties": {"total": {"type": "integer", "minimum": 0}}, "required": ["total"], "additionalProperties": False}
    schemas["Problem"] = {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string", "format": "uri-reference"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "error": {"type": "string", "description": "OAuth 2.0 error code (token endpoint only)."},
        },
        "required": ["type", "title", "status"],
    }
    schemas["Token"] = {
        "type": "object",
        "properties": {"access_token": {"type": "string"}, "token_type": {"type": "string", "enum": ["Bearer"]}, "expires_in": {"type": "integer"}},
        "required": ["access_token", "token_type", "expires_in"],
        "additionalProperties": False,
    }
    if "repair" in product.entities:
        prio_name = product.supplier_name("repair", "priority")
        priority = next(f for f in product.fields("repair") if f.name == prio_name).json_schema()
        schemas["RepairRequest"] = {
            "type": "object",
            "properties": {
                "property_id": {"type": "string", "minLength": 1},
                prio_name: priority,
                "description": {"type": "string", "minLength": 1, "maxLength": 2000},
                "damp_and_mould": {"type": "boolean"},
            },
            "required": ["property_id", prio_name, "description"],
            "additionalProperties": False,
        }
    example = "asb-case" if "asb-case" in product.entities else product.entities[-1]
    column = {"type": "object", "required": ["name", "type", "description", "standard"]}
    schemas["DataDictionary"] = {
        "type": "object",
        "description": "Every exported column of every entity, with its type, meaning and pointer into the standard record.",
        "properties": {
            "version": {"type": "string"},
            "entities": {"type": "object", "additionalProperties": {"type": "object", "properties": {"standard": {"type": "string"}, "columns": {"type": "array", "items": column}}, "required": ["columns"]}},
        },
        "required": ["entities"],
        "example": {"version": "1.0", "entities": {example: data_dictionary({example: product.fields(example)})["entities"][example]}},
    }
    schemas["Deletion"] = {
        "type": "object",
        "description": "A deleted record (a tombstone).",
        "properties": {"entity": {"type": "string", "enum": list(product.entities)}, "id": {"type": "string"}, "deleted_at": {"type": "string", "format": "date-time"}},
        "required": ["entity", "id", "deleted_at"],
        "additionalProperties": False,
    }
    schemas["DeletionPage"] = {
        "type": "object",
        "properties": {"data": {"type": "array", "items": _ref("schemas", "Deletion")}, "links": _ref("schemas", "Links"), "meta": _ref("schemas", "Meta")},
        "required": ["data", "links", "meta"],
        "additionalProperties": False,
    }
    schemas["ExportJobAccepted"] = {"type": "object", "properties": {"status": {"type": "string", "enum": ["accepted"]}, "job": {"type": "string", "format": "uri"}}, "required": ["status", "job"]}
    schemas["ExportJobStatus"] = {"type": "object", "properties": {"status": {"type": "string", "enum": ["in-progress"]}}, "required": ["status"]}
    schemas["ExportManifest"] = {
        "type": "object",
        "properties": {
            "transactionTime": {"type": "string", "format": "date-time"},
            "request": {"type": "string", "format": "uri"},
            "requiresAccessToken": {"type": "boolean"},
            "output": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"type": {"type": "string", "enum": list(product.entities)}, "url": {"type": "string", "format": "uri"}, "count": {"type": "integer", "minimum": 0}},
                    "required": ["type", "url", "count"],
                    "additionalProperties": False,
                },
            },
            "error": {"type": "array", "items": {"type": "object"}},
            "deleted": {
                "type": "array",
                "description": "With _since: one file item per entity with records deleted since then (FHIR Bulk Data's `deleted`); each line of the file is {entity, id, deleted_at}.",
                "items": {
                    "type": "object",
                    "properties": {"type": {"type": "string", "enum": list(product.entities)}, "url": {"type": "string", "format": "uri"}, "count": {"type": "integer", "minimum": 0}},
                    "required": ["type", "url", "count"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["transactionTime", "request", "requiresAccessToken", "output", "error"],
        "additionalProperties": False,
    }
    return schemas


_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
HCLIC_RETURN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "H-CLIC quarterly content as interopcheck defines it from MHCLG's published live-table categories (the H-CLIC data specification is not public).",
    "required": ["return", "quarter", "period", "cases", "tables"],
    "properties": {
        "return": {"type": "string", "enum": ["h-clic"]},
        "quarter": {"type": "string", "pattern": "^[0-9]{4}-Q[1-4]$"},
        "period": {"type": "object", "required": ["start", "end"], "properties": {"start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"}}},
        "cases": {"type": "array", "items": {"type": "object"}},
        "tables": {"type": "object", "properties": {t: _COUNTS for t in ("A1", "A2", "P1", "R1", "MD1")}, "required": ["A1", "A2", "P1", "R1", "MD1"]},
    },
}


def _components(product: Product) -> dict[str, Any]:
    """Security scheme, shared parameters, error responses and schemas."""
    problem = _json(_ref("schemas", "Problem"), "application/problem+json")
    return {
        "securitySchemes": {
            "oauth2": {
                "type": "oauth2",
                "description": "OAuth 2.0 client credentials; send the token as `Authorization: Bearer <token>`.",
                "flows": {"clientCredentials": {"tokenUrl": f"https://{SERVER}/oauth/token", "scopes": {}}},
            }
        },
        "parameters": {
            "limit": {"name": "limit", "in": "query", "description": "Records per page.", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
            "cursor": {"name": "cursor", "in": "query", "description": "Cursor from links.next.", "schema": {"type": "string", "pattern": "^r[0-9]{1,18}$"}},
            "updated_since": {"name": "updated_since", "in": "query", "description": "Only records with updated_at at or after this time (RFC 3339).", "schema": {"type": "string", "format": "date-time"}},
            "since": {"name": "since", "in": "query", "description": "Incremental extract: only records with updated_at at or after this time (RFC 3339).", "schema": {"type": "string", "format": "date-time"}},
            "id": {"name": "id", "in": "path", "required": True, "description": "The record's id.", "schema": {"type": "string"}},
        },
        "responses": {
            "BadRequest": {"description": "A malformed parameter.", "content": problem},
            "Unauthorized": {
                "description": "No valid bearer token.",
                "headers": {"WWW-Authenticate": {"description": "The Bearer challenge.", "required": True, "schema": {"type": "string"}}},
                "content": problem,
            },
            "NotFound": {"description": "No such record.", "content": problem},
            "Unprocessable": {"description": "The body breaks the rules of the operation.", "content": problem},
            "ServerError": {"description": "The server failed.", "content": problem},
        },
        "schemas": {**_schemas(product), "HclicReturn": HCLIC_RETURN_SCHEMA},
    }


def _paths(product: Product) -> dict[str, Any]:
    """Every path the app serves for `product`."""
    paths: dict[str, Any] = {
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApiDocument",
                "summary": "This OpenAPI document",
                "tags": ["meta"],
                "security": [],
                "responses": {"200": {"description": "The OpenAPI 3.1 document.", "content": _json({"type": "object"})}},
            }
        },
        "/oauth/token": {
            "post": {
                "operationId": "getToken",
                "summary": "OAuth 2.0 client credentials token (credentials in the body or HTTP Basic)",
                "tags": ["auth"],
                "security": [],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]}, "client_id": {"type": "string"}, "client_secret": {"type": "string"}},
                                "required": ["grant_type"],
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "A bearer token.", "content": _json(_ref("schemas", "Token"))}, "400": _ref("responses", "BadRequest"), "401": _ref("responses", "Unauthorized")},
            }
        },
    }
    for segment, entity in collections_of(product).items():
        paths.update(_collection_ops(segment, entity))
    if "repair" in product.entities:
        paths["/v1/repairs"]["post"] = _create_repair()
    paths.update(subject_access_paths(product.entities))
    if "document" in product.entities:
        paths.update(document_content())
    for entity in product.entities:
        paths.update(_export_ops(entity))
    paths.update(_export_paths(product))
    paths.update(deletion_paths(product))
    paths.update(return_paths(product))
    return paths


def _create_repair() -> dict[str, Any]:
    """POST /v1/repairs."""
    return {
        "operationId": "createRepair",
        "summary": "Report a repair",
        "tags": ["repair"],
        "security": _SECURED,
        "requestBody": {"required": True, "content": _json(_ref("schemas", "RepairRequest"))},
        "responses": {
            "201": {
                "description": "The repair was recorded.",
                "headers": {"Location": {"description": "URL of the new repair.", "required": True, "schema": {"type": "string"}}},
                "content": _json(_ref("schemas", "Repair")),
            },
            **_errors(400, 401, 422, 500),
        },
    }


def _export_paths(product: Product) -> dict[str, Any]:
    """The data dictionary, the export job's kick-off and its status."""
    paths: dict[str, Any] = {}
    paths["/v1/exports/data-dictionary.json"] = {
        "get": {
            "operationId": "getDataDictionary",
            "summary": "The data dictionary of the bulk export",
            "tags": ["export"],
            "security": _SECURED,
            "responses": {"200": {"description": "Every exported column.", "content": _json(_ref("schemas", "DataDictionary"))}, **_errors(401, 500)},
        }
    }
    paths["/v1/$export"] = {
        "get": {
            "operationId": "startExportJob",
            "summary": "Start an asynchronous bulk export (FHIR bulk data style)",
            "tags": ["export"],
            "security": _SECURED,
            "parameters": [
                {"name": "_type", "in": "query", "description": "Comma-separated entities (default: all).", "schema": {"type": "string", "pattern": _type_pattern(product.entities)}},
                {"name": "_since", "in": "query", "description": "Only records changed at or after this time (RFC 3339).", "schema": {"type": "string", "format": "date-time"}},
                {"name": "Prefer", "in": "header", "required": True, "description": "Must be respond-async.", "schema": {"type": "string", "enum": ["respond-async"]}},
            ],
            "responses": {
                "202": {
                    "description": "The job was accepted; poll Content-Location.",
                    "headers": {"Content-Location": {"description": "The job's status URL.", "required": True, "schema": {"type": "string", "format": "uri"}}},
                    "content": _json(_ref("schemas", "ExportJobAccepted")),
                },
                **_errors(400, 401, 500),
            },
        }
    }
    paths["/v1/export-jobs/{id}"] = {
        "get": {
            "operationId": "getExportJob",
            "summary": "Poll an export job: 202 while it runs, then the manifest",
            "tags": ["export"],
            "security": _SECURED,
            "parameters": [_ref("parameters", "id")],
            "responses": {
                "200": {"description": "The export manifest.", "content": _json(_ref("schemas", "ExportManifest"))},
                "202": {
                    "description": "Still running.",
                    "headers": {"Retry-After": {"description": "Seconds to wait before polling again.", "required": True, "schema": {"type": "integer"}}},
                    "content": _json(_ref("schemas", "ExportJobStatus")),
                },
                **_errors(401, 404, 500),
            },
        }
    }
    return paths


def build_spec(faults: frozenset[str] = frozenset(), product: Product = REFERENCE) -> dict[str, Any]:
    """The OpenAPI 3.1 document `product`'s sandbox serves (its servers are http:// under `http-only`)."""
    scheme = "http" if "http-only" in faults else "https"
    description = "The reference supplier sandbox of interopcheck: a housing API whose records follow the housing data standards, with cursor pagination, updated_since filters, bulk export and an asynchronous export job."
    if product is not REFERENCE:
        description += f" This is its {product.name} product: {product.summary}."
    return {
        "openapi": "3.1.0",
        "info": {
            "title": product.title,
            "version": "1.0.0",
            "description": description,
            "contact": {"name": "Example Housing API team", "email": "api@example-housing.test", "url": f"https://{SERVER}/support"},
            "license": {"name": "Open Government Licence v3.0", "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
        },
        "servers": [{"url": f"{scheme}://{SERVER}", "description": "Sandbox"}],
        "security": _SECURED,
        "tags": [{"name": t} for t in (*product.entities, "export", "returns", "auth", "meta")],
        "paths": _paths(product),
        "components": _components(product),
    }
