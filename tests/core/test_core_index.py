"""The spec index: operations, merged parameters, responses, schemas and $ref sites in one pass."""

from __future__ import annotations

from pathlib import Path

import orjson

from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import build_index
from interopcheck.spec.pointer import join, unescape

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


def _with_externals(root: dict, externals: dict[str, object], remote: tuple = ()) -> object:
    return build_index(SpecDocument(root, "specs/api.json", "file:///w/specs/api.json", "json", "", 0, externals=externals, remote_refs=remote))


def test_refs_in_files_beside_the_spec_resolve_against_those_files() -> None:
    common = {"Repair": {"type": "object", "properties": {"raised": {"$ref": "#/Stamp"}, "owner": {"$ref": "people/person.yaml"}}}, "Stamp": {"type": "string", "format": "date-time"}}
    person = {"type": "object", "properties": {"born_date": {"type": "string"}}}
    root = {
        "openapi": "3.1.0",
        "paths": {"/v1/repairs": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "schemas/common.yaml#/Repair"}}}}}}}},
        "components": {"schemas": {"Stamp": {"type": "integer"}}},
    }
    index = _with_externals(root, {"file:///w/specs/schemas/common.yaml": common, "file:///w/specs/schemas/people/person.yaml": person})
    repair = index.resolve({"$ref": "schemas/common.yaml#/Repair"})
    assert repair is common["Repair"]
    # `#/Stamp` written in common.yaml is common.yaml's Stamp, not the root's
    assert index.resolve(repair["properties"]["raised"]) == {"type": "string", "format": "date-time"}
    # and a relative ref in it resolves against its own folder
    assert index.resolve(repair["properties"]["owner"]) is person
    found = index.target(repair["properties"]["owner"])
    assert (found.uri, found.pointer) == ("file:///w/specs/schemas/people/person.yaml", "")
    pointers = {p for p, _ in index.schema_nodes()}
    assert "file:///w/specs/schemas/common.yaml#/Repair" in pointers
    assert "file:///w/specs/schemas/people/person.yaml#/properties/born_date" in pointers
    where = index.location("file:///w/specs/schemas/people/person.yaml#/properties/born_date")
    assert (where.file, where.pointer, where.line) == ("specs/schemas/people/person.yaml", "/properties/born_date", None)
    assert index.location("/components").file == "specs/api.json"


def test_network_refs_not_fetched_are_told_from_dangling_ones() -> None:
    root = {"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"A": {"$ref": "https://schemas.example.test/a.json#/A"}, "B": {"$ref": "#/nowhere"}, "C": {"$ref": "#anchor"}}}}
    index = _index(root)
    remote = index.target(index.get("/components/schemas/A"))
    assert remote.node is None and remote.unfetched == "https://schemas.example.test/a.json" and remote.pointer == "/A"
    dangling = index.target(index.get("/components/schemas/B"))
    assert dangling.node is None and dangling.unfetched == ""
    assert index.resolve(index.get("/components/schemas/C")) is None  # a plain-name fragment is not a pointer


def test_parameters_record_where_they_are_defined() -> None:
    spec = {
        "openapi": "3.1.0",
        "paths": {"/v1/a": {"get": {"parameters": [{"$ref": "#/components/parameters/Since"}, {"name": "q", "in": "query"}], "responses": {}}}},
        "components": {"parameters": {"Since": {"name": "updated_since", "in": "query", "schema": {"type": "string"}}}},
    }
    (op,) = _index(spec).operations
    assert [(p.name, p.defined_at) for p in op.parameters] == [
        ("updated_since", "/components/parameters/Since"),
        ("q", "/paths/~1v1~1a/get/parameters/1"),
    ]
