"""`$ref`s the spec stage must follow (path items, operations, percent-encoded pointers), must not
follow (data in examples), and must report rather than refuse (Markdown files, unfetchable remote
documents); and every structural error, not the first per schema (issue 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.model import Status
from interopcheck.spec.index import build_index
from interopcheck.spec.load import load_spec
from interopcheck.spec.validate import validate_spec

CASES_DIR = Path(__file__).resolve().parents[1] / "cases" / "bad-specs"
SPLIT = CASES_DIR / "path-item-refs" / "openapi.yaml"
SPLIT_ERRORS = CASES_DIR / "path-item-ref-errors" / "openapi.yaml"


def _ops(path: Path) -> dict[str, Any]:
    index = build_index(load_spec(str(path)))
    return {op.key: op for op in index.operations}


def test_path_item_and_operation_refs_are_followed_into_their_files() -> None:
    document = load_spec(str(SPLIT))
    index = build_index(document)
    ops = {op.key: op for op in index.operations}
    assert {key: op.operation_id for key, op in ops.items()} == {
        "GET /v1/repairs": "listRepairs",
        "POST /v1/repairs": "raiseRepair",
        "GET /v1/properties": "listProperties",
        "GET /v1/properties/{id}": "getProperty",
    }
    assert [p.name for p in ops["GET /v1/properties"].parameters] == ["page"]  # that file's own #/components
    assert [p.name for p in ops["GET /v1/properties/{id}"].parameters] == ["id"]
    post = index.location(ops["POST /v1/repairs"].pointer)
    assert str(post.file).endswith("path-item-refs/paths/repairs.yaml") and post.pointer == "/post" and post.line == 10
    listing = index.location(ops["GET /v1/properties"].pointer)
    assert str(listing.file).endswith("operations/list-properties.yaml") and listing.pointer == "/listProperties" and listing.line == 1
    item = index.location(ops["GET /v1/properties/{id}"].pointer)
    assert item.pointer == "/item/get" and item.line == 7
    assert index.get(ops["POST /v1/repairs"].pointer)["operationId"] == "raiseRepair"
    schemas = dict(index.schema_nodes())
    assert any(p.endswith("schemas/repair.yaml#/Repair") for p in schemas)


def test_a_split_description_is_valid_and_its_operations_have_ids() -> None:
    document = load_spec(str(SPLIT))
    validation = validate_spec(document)
    assert validation.valid, validation.errors
    ctx = CheckContext(index=build_index(document), validation=validation, declaration=None)
    result = run_check(all_checks()["spec.unique-operation-ids"], ctx)
    assert result.status == Status.PASS, result.findings


def test_errors_in_referenced_files_are_placed_at_their_file_and_line() -> None:
    document = load_spec(str(SPLIT_ERRORS))
    validation = validate_spec(document)
    where = {(issue.pointer.partition("#")[0].rsplit("/", 1)[-1], issue.pointer.partition("#")[2], issue.line) for issue in validation.errors}
    assert ("repairs.yaml", "/post", 6) in where, validation.errors
    assert any(name == "tenancies-get.yaml" and ptr.endswith("/schema/type") and line == 8 for name, ptr, line in where), where
    assert all("#" in issue.pointer for issue in validation.errors), validation.errors  # nothing blamed on the root
    ctx = CheckContext(index=build_index(document), validation=validation, declaration=None)
    result = run_check(all_checks()["spec.valid-openapi"], ctx)
    assert result.status == Status.FAIL
    files = {(str(f.location.file).rsplit("/", 2)[-2:][-1], f.location.pointer, f.location.line) for f in result.findings if f.location}
    assert ("repairs.yaml", "/post", 6) in files, files


def test_a_markdown_description_ref_is_a_finding_and_the_rest_is_checked() -> None:
    document = load_spec(str(CASES_DIR / "markdown-description-ref" / "openapi.yaml"))
    validation = validate_spec(document)
    by_pointer = {issue.pointer: issue for issue in validation.errors}
    assert "/info/description" in by_pointer, validation.errors
    message = by_pointer["/info/description"].message
    assert "README.md" in message and "string" in message and by_pointer["/info/description"].line == 5
    assert any(p.endswith("/schema/type") for p in by_pointer), "the rest of the document is validated too"
    assert len(validation.errors) == 2, validation.errors


def test_percent_encoded_and_escaped_pointers_resolve() -> None:
    document = load_spec(str(CASES_DIR / "percent-encoded-refs.yaml"))
    assert validate_spec(document).valid
    index = build_index(document)
    assert index.deref("#/components/schemas/Property%20Record")["properties"] == {"uprn": {"type": "string"}}
    assert index.deref("#/components/schemas/Unit%7E1Block/properties/code~0old") == {"type": "string"}
    schema = {op.key: op for op in index.operations}["GET /v1/properties"].responses[0].media_types[0].schema
    assert index.resolve(schema)["type"] == "object"


def test_every_invalid_type_is_reported_not_the_first_per_schema() -> None:
    validation = validate_spec(load_spec(str(CASES_DIR / "invalid-types-neighbours.yaml")))
    pointers = {issue.pointer for issue in validation.errors}
    wanted = {
        "/components/schemas/Tenancy/properties/start/type",
        "/components/schemas/Tenancy/properties/end/type",
        "/components/schemas/Rent/type",
        "/components/schemas/Rent/properties/amount/type",
    }
    assert wanted <= pointers, validation.errors
    assert all(issue.line is not None for issue in validation.errors if issue.pointer in wanted)


def test_refs_inside_example_values_are_data() -> None:
    document = load_spec(str(CASES_DIR / "examples-with-refs.yaml"))
    assert document.remote_refs == () and document.externals == {}
    validation = validate_spec(document)
    assert validation.valid and validation.not_fetched == (), validation.errors
    index = build_index(document)
    assert set(index.refs) == {
        "/paths/~1v1~1documents/get/responses/200/content/application~1json/schema",
        "/paths/~1v1~1documents/get/responses/200/content/application~1json/examples/shared",
    }


def test_remote_refs_in_examples_are_never_fetched_and_a_404_is_a_finding(spec_server: Any, tmp_path: Path) -> None:
    base = spec_server.url
    text = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/properties:\n    get:\n"
        "      operationId: listProperties\n      responses:\n        '200':\n          description: ok\n"
        "          content:\n            application/json:\n"
        f"              schema: {{$ref: '{base}/schemas.json#/Property'}}\n"
        f"              example: {{$ref: '{base}/example-data.json'}}\n"
        "        '404':\n          description: gone\n          content:\n            application/json:\n"
        f"              schema: {{$ref: '{base}/missing.json#/Problem'}}\n"
    )
    path = tmp_path / "api.yaml"
    path.write_text(text)
    document = load_spec(str(path), allow_remote_refs=True)  # no SpecReadError for the 404
    assert "/example-data.json" not in spec_server.hits
    assert f"{base}/schemas.json" in document.externals
    validation = validate_spec(document)
    assert [issue.pointer for issue in validation.errors] == [
        "/paths/~1v1~1properties/get/responses/404/content/application~1json/schema"
    ], validation.errors
    assert "HTTP 404" in validation.errors[0].message and "missing.json" in validation.errors[0].message
    assert validation.errors[0].line == 18


def test_a_property_named_like_a_data_keyword_is_still_walked() -> None:
    from interopcheck.spec.refwalk import iter_refs

    schema = {"properties": {"example": {"$ref": "#/components/schemas/Example"}, "default": {"items": {"$ref": "#/D"}}},
              "example": {"$ref": "#/not/a/ref"}, "examples": [{"$ref": "#/nor/this"}]}
    assert sorted(ref for _, ref in iter_refs({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}})) == [
        "#/D", "#/components/schemas/Example"
    ]
    swagger = {"swagger": "2.0", "paths": {"/x": {"get": {"responses": {"200": {
        "description": "ok", "schema": {"$ref": "#/definitions/X"}, "examples": {"application/json": {"$ref": "#/data"}}}}}}}}
    assert [ref for _, ref in iter_refs(swagger)] == ["#/definitions/X"]


def test_one_operation_id_in_two_referenced_files_is_a_duplicate(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("get:\n  operationId: same\n  responses: {'200': {description: ok}}\n")
    (tmp_path / "b.yaml").write_text("get:\n  operationId: same\n  responses: {'200': {description: ok}}\n")
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: 'a.yaml'}\n  /b: {$ref: 'b.yaml'}\n"
    )
    validation = validate_spec(load_spec(str(tmp_path / "api.yaml")))
    assert [(issue.pointer.partition("#")[0].rsplit("/", 1)[-1], issue.pointer.partition("#")[2], issue.line) for issue in validation.errors] == [
        ("b.yaml", "/get/operationId", 2)
    ], validation.errors
    assert "a.yaml#/get/operationId" in validation.errors[0].message
