"""The sandbox's OpenAPI paths for what a council needs back at exit beyond the entities: the statutory returns,
the deletions feed and document content downloads."""

from __future__ import annotations

from typing import Any

from interopcheck.sandbox.openapi_parts import SECURED as _SECURED
from interopcheck.sandbox.openapi_parts import errors as _errors
from interopcheck.sandbox.openapi_parts import json_content as _json
from interopcheck.sandbox.openapi_parts import ref as _ref
from interopcheck.sandbox.products import Product


def return_paths(product: Product) -> dict[str, Any]:
    """The statutory returns: the CORE lettings log (bulk-upload CSV) and the H-CLIC quarterly content."""
    paths: dict[str, Any] = {}
    if "tenancy" in product.entities:
        paths["/v1/returns/core-lettings"] = {
            "get": {
                "operationId": "getCoreLettingsReturn",
                "summary": "The CORE lettings log of a collection year, in CORE's bulk-upload CSV layout for that year",
                "tags": ["returns"],
                "security": _SECURED,
                "parameters": [{"name": "year", "in": "query", "required": True, "description": "The collection year's start year (2026 = 2026/27, 1 April 2026 to 31 March 2027).", "schema": {"type": "string", "pattern": "^20[0-9]{2}$"}}],
                "responses": {"200": {"description": "One row per tenancy starting in the year, after a Question row and the Field number row.", "content": _json({"type": "string"}, "text/csv")}, **_errors(400, 401, 404, 500)},
            }
        }
    if "homelessness-case" in product.entities:
        paths["/v1/returns/h-clic"] = {
            "get": {
                "operationId": "getHclicReturn",
                "summary": "The H-CLIC quarterly return content of a calendar quarter, from the homelessness cases",
                "tags": ["returns"],
                "security": _SECURED,
                "parameters": [{"name": "quarter", "in": "query", "required": True, "description": "A calendar quarter, YYYY-Qn (Q1 = January to March).", "schema": {"type": "string", "pattern": "^20[0-9]{2}-Q[1-4]$"}}],
                "responses": {"200": {"description": "The cases active in the quarter and the counts of tables A1, A2, P1, R1 and MD1.", "content": _json(_ref("schemas", "HclicReturn"))}, **_errors(400, 401, 500)},
            }
        }
    return paths


def deletion_paths(product: Product) -> dict[str, Any]:
    """The deletions feed and the deleted-records files an incremental export job's manifest lists (HSG-EXP-10)."""
    return {
        "/v1/deletions": {
            "get": {
                "operationId": "listDeletions",
                "summary": "List deleted records ({entity, id, deleted_at}), a page at a time",
                "tags": ["export"],
                "security": _SECURED,
                "parameters": [
                    _ref("parameters", "limit"),
                    {"name": "cursor", "in": "query", "description": "Cursor from links.next.", "schema": {"type": "string", "pattern": "^d[0-9]{1,18}$"}},
                    {"name": "since", "in": "query", "description": "Only records deleted at or after this time (RFC 3339).", "schema": {"type": "string", "format": "date-time"}},
                ],
                "responses": {"200": {"description": "A page of deleted records.", "content": _json(_ref("schemas", "DeletionPage"))}, **_errors(400, 401, 500)},
            }
        },
        "/v1/exports/deleted/{entity}.ndjson": {
            "get": {
                "operationId": "exportDeletedNdjson",
                "summary": "The records of one entity deleted since a time, one {entity, id, deleted_at} per line (an export job manifest's `deleted` file)",
                "tags": ["export"],
                "security": _SECURED,
                "parameters": [
                    {"name": "entity", "in": "path", "required": True, "description": "The entity.", "schema": {"type": "string", "enum": list(product.entities)}},
                    _ref("parameters", "since"),
                ],
                "responses": {"200": {"description": "The deleted records, streamed.", "content": _json({"type": "string"}, "application/x-ndjson")}, **_errors(400, 401, 404, 500)},
            }
        },
    }


def document_content() -> dict[str, Any]:
    """GET /v1/documents/{id}/content: a document's bytes in its own media type (a file download, not a data resource)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "/v1/documents/{id}/content": {
            "get": {
                "operationId": "getDocumentContent",
                "summary": "Download a document's content in its own media type (the record's media_type, byte_count bytes)",
                "tags": ["document"],
                "security": _SECURED,
                "parameters": [_ref("parameters", "id")],
                "responses": {
                    "200": {
                        "description": "The document's bytes.",
                        "headers": {
                            "Content-Disposition": {"description": "attachment, with the file name (RFC 6266).", "required": True, "schema": {"type": "string"}},
                            "Content-Length": {"description": "The record's byte_count.", "required": True, "schema": {"type": "integer", "minimum": 0}},
                        },
                        "content": {media: binary for media in ("application/pdf", "image/jpeg", "text/plain")},
                    },
                    **_errors(401, 404, 500),
                },
            }
        }
    }
