"""A tiny housing sandbox for the live tests: two entities, OAuth 2.0, pagination, updated_since, problem+json, and faults.

Deliberately independent of `interopcheck.sandbox` (written elsewhere) so these tests run
whatever state that part is in. `make_app(faults)` switches single behaviours off.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from interopcheck.declaration import Declaration
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import SpecIndex, build_index

CLIENT_ID = "evaluator"
CLIENT_SECRET = "cs-Very-Secret-Client-Value-42"
STATIC_TOKEN = "tok-Static-Bearer-Secret-99"
PAGE = 10
BASE_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _properties() -> list[dict[str, Any]]:
    out = []
    for i in range(1, 26):
        out.append(
            {
                "id": f"p{i}",
                "updated_at": (BASE_TIME + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "uprn": str(100000 + i),
                "address": {"paon": str(i), "street": "High Street", "town": "Exeter", "postcode": "EX1 1AA"},
                "bedrooms": i % 4,
                "built_date": "1990-05-01",
            }
        )
    return out


def _people() -> list[dict[str, Any]]:
    return [
        {"id": f"n{i}", "updated_at": (BASE_TIME + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ"), "given_name": "Ann", "family_name": f"Lee{i}", "date_of_birth": "1980-02-03"}
        for i in range(1, 6)
    ]


def problem(status: int, title: str) -> JSONResponse:
    """An RFC 9457 problem response."""
    return JSONResponse({"type": "about:blank", "title": title, "status": status}, status_code=status, media_type="application/problem+json")


def make_app(faults: frozenset[str] | set[str] = frozenset()) -> Starlette:
    """The sandbox with `faults` switched on (no-auth, broken-pagination, duplicates, no-updated-since,
    no-problem-json, wrong-content-type, missing-uprn, bad-dates, server-errors, schema-drift, version-mismatch,
    open-items: item endpoints served without a token while the collections still refuse)."""
    faults = frozenset(faults)
    tokens: set[str] = {STATIC_TOKEN}
    data = {"properties": _properties(), "people": _people()}
    if "missing-uprn" in faults:
        data["properties"][3].pop("uprn")
    if "bad-dates" in faults:
        data["properties"][4]["updated_at"] = "02/01/2026"
    if "schema-drift" in faults:
        data["properties"][0]["bedrooms"] = "three"

    def error(status: int, title: str) -> Response:
        if "no-problem-json" in faults:
            return Response(f"<h1>{title}</h1>", status_code=status, media_type="text/html")
        return problem(status, title)

    def authorised(request: Request) -> bool:
        if "no-auth" in faults:
            return True
        header = request.headers.get("authorization", "")
        return header.startswith("Bearer ") and header[7:] in tokens

    def respond(body: Any) -> Response:
        headers = {"api-version": "2.0.0" if "version-mismatch" in faults else "1.0.0"}
        if "wrong-content-type" in faults:
            import json

            return Response(json.dumps(body), media_type="text/plain", headers=headers)
        return JSONResponse(body, headers=headers)

    async def token(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        basic = request.headers.get("authorization", "")
        ok = basic == "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        ok = ok or (form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET)
        if form.get("grant_type") != "client_credentials" or not ok:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        issued = "at-" + secrets.token_urlsafe(16)
        tokens.add(issued)
        return JSONResponse({"access_token": issued, "token_type": "Bearer", "expires_in": 3600})

    async def root(request: Request) -> Response:
        return respond({"name": "mini sandbox", "version": "1.0.0"})

    def collection(name: str, path: str) -> Any:
        async def handler(request: Request) -> Response:
            if "server-errors" in faults:
                return error(500, "Internal Server Error")
            if not authorised(request):
                return error(401, "Unauthorized")
            records = data[name]
            since = request.query_params.get("updated_since")
            if since is not None and "no-updated-since" not in faults:
                try:
                    cutoff = datetime.fromisoformat(since)
                except ValueError:
                    return error(400, "updated_since is not a date-time")
                records = [r for r in records if datetime.fromisoformat(r["updated_at"].replace("/", "-")) >= cutoff] if "bad-dates" not in faults else records
            try:
                page = int(request.query_params.get("page", "1"))
            except ValueError:
                return error(400, "page is not an integer")
            chunk = records[(page - 1) * PAGE : page * PAGE]
            body: dict[str, Any] = {"data": chunk, "meta": {"total": len(records)}, "links": {}}
            if page * PAGE < len(records):
                nxt = page if "broken-pagination" in faults else page + 1
                if "duplicates" in faults:
                    body["data"] = records[max(0, (page - 1) * PAGE - 1) : page * PAGE]
                query = f"page={nxt}" + (f"&updated_since={since}" if since else "")
                body["links"]["next"] = f"{path}?{query}"
            return respond(body)

        return handler

    def item(name: str) -> Any:
        async def handler(request: Request) -> Response:
            if not authorised(request) and "open-items" not in faults:
                return error(401, "Unauthorized")
            for record in data[name]:
                if record["id"] == request.path_params["id"]:
                    return respond(record)
            return error(404, "Not Found")

        return handler

    return Starlette(
        routes=[
            Route("/oauth/token", token, methods=["POST"]),
            Route("/", root),
            Route("/v1/properties", collection("properties", "/v1/properties")),
            Route("/v1/properties/{id}", item("properties")),
            Route("/v1/people", collection("people", "/v1/people")),
        ]
    )


_RECORD = {"type": "object", "required": ["id", "updated_at"], "properties": {"id": {"type": "string"}, "updated_at": {"type": "string"}}}
_PROPERTY = {
    "type": "object",
    "required": ["id", "updated_at", "bedrooms"],
    "properties": {"id": {"type": "string"}, "updated_at": {"type": "string"}, "uprn": {"type": "string"}, "bedrooms": {"type": "integer"}, "address": {"type": "object"}, "built_date": {"type": "string"}},
}
_PROBLEM = {"type": "object", "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}}}


def _page(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": record},
            "meta": {"type": "object", "properties": {"total": {"type": "integer"}}},
            "links": {"type": "object", "properties": {"next": {"type": "string"}}},
        },
    }


def _responses(schema: dict[str, Any]) -> dict[str, Any]:
    err = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return {
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "400": {"description": "Bad request", **err},
        "401": {"description": "Unauthorized", **err},
        "404": {"description": "Not found", **err},
    }


def _list_params() -> list[dict[str, Any]]:
    return [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 3}},
        {"name": "updated_since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    ]


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Mini housing", "version": "1.0.0"},
    "servers": [{"url": "/"}],
    "security": [{"oauth": []}],
    "components": {
        "securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}}}},
        "schemas": {"Problem": _PROBLEM, "Property": _PROPERTY, "Person": _RECORD},
    },
    "paths": {
        "/v1/properties": {"get": {"operationId": "listProperties", "parameters": _list_params(), "responses": _responses(_page({"$ref": "#/components/schemas/Property"}))}},
        "/v1/properties/{id}": {
            "get": {
                "operationId": "getProperty",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": _responses({"$ref": "#/components/schemas/Property"}),
            }
        },
        "/v1/people": {"get": {"operationId": "listPeople", "parameters": _list_params(), "responses": _responses(_page({"$ref": "#/components/schemas/Person"}))}},
    },
}

DECLARATION: dict[str, Any] = {
    "declaration_version": "1.0",
    "profile": "housing",
    "supplier": {"name": "Mini Ltd"},
    "entities": {
        "property": {
            "collection": "listProperties",
            "item": "getProperty",
            "records_pointer": "/data",
            "next_pointer": "/links/next",
            "total_pointer": "/meta/total",
            "updated_since_param": "updated_since",
            "mapping": "identity",
        },
        "person": {"collection": "GET /v1/people", "records_pointer": "/data", "next_pointer": "/links/next", "updated_since_param": "updated_since", "mapping": "identity"},
    },
}


def spec_index(spec: dict[str, Any] | None = None) -> SpecIndex:
    """The index of SPEC (or `spec`), built without the spec loader."""
    return build_index(SpecDocument(spec or SPEC, "mini.json", "file:///mini.json", "json", "0" * 64, 1))


def declaration(data: dict[str, Any] | None = None) -> Declaration:
    """The declaration of the mini sandbox."""
    return Declaration.from_dict(data or DECLARATION, source="mini.yaml", sha256="0" * 64)
