"""The spec index: operations, merged parameters, responses, schemas and $ref sites in one pass."""

from __future__ import annotations

from pathlib import Path

import orjson

from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import build_index, join, unescape

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "openreferral"


def _index(data: dict) -> object:
    return build_index(SpecDocument(data, "mem", "file:///mem", "json", "", 0))


def test_parameters_merge_and_responses_resolve_refs() -> None:
    spec = {
        "openapi": "3.1.0",
        "paths": {
            "/v1/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getThing",
                    "parameters": [{"$ref": "#/components/parameters/Lim"}],
                    "responses": {"200": {"$ref": "#/components/responses/Thing"}, "404": {"description": "none"}},
                },
            }
        },
        "components": {
            "parameters": {"Lim": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
            "responses": {"Thing": {"description": "a thing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
            "schemas": {"Thing": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Thing"}}}},
        },
    }
    index = _index(spec)
    (op,) = index.operations
    assert op.key == "GET /v1/things/{id}" and op.operation_id == "getThing"
    assert {(p.name, p.location) for p in op.parameters} == {("id", "path"), ("limit", "query")}
    ok = next(r for r in op.responses if r.status == "200")
    assert ok.media_types[0].name == "application/json"
    assert index.resolve(ok.media_types[0].schema)["type"] == "object"
    assert index.schemas == {"Thing": "/components/schemas/Thing"}
    assert "/components/schemas/Thing/properties/next" in index.refs
    assert any(p == "/components/schemas/Thing" for p, _ in index.schema_nodes())


def test_cyclic_refs_terminate() -> None:
    index = _index({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}})
    assert index.resolve({"$ref": "#/components/schemas/A"}) is None


def test_swagger_2_body_and_schema() -> None:
    spec = {
        "swagger": "2.0",
        "paths": {"/x": {"post": {"parameters": [{"name": "b", "in": "body", "schema": {"type": "object"}}], "responses": {"200": {"description": "ok", "schema": {"type": "array"}}}}}},
        "definitions": {"X": {"type": "object"}},
    }
    index = _index(spec)
    assert index.major == 2 and index.schemas == {"X": "/definitions/X"}
    (op,) = index.operations
    assert op.request_body[0].schema == {"type": "object"}
    assert op.responses[0].media_types[0].schema == {"type": "array"}


def test_pointer_escaping() -> None:
    assert join("/paths", "/a/{b}~c") == "/paths/~1a~1{b}~0c"
    assert unescape("~1a~1{b}~0c") == "/a/{b}~c"


def test_real_openreferral_documents_index() -> None:
    for path in sorted(CORPUS.glob("*.json")):
        index = build_index(SpecDocument(orjson.loads(path.read_bytes()), str(path), path.as_uri(), "json", "", 0))
        assert index.major == 3
        assert len(index.operations) >= 5
        assert all(op.responses for op in index.operations)
