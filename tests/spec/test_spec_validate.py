"""validate_spec: every error with its place, extra checks, offline engines and fallback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interopcheck.spec import validate as validate_module
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import build_index
from interopcheck.spec.load import load_spec
from interopcheck.spec.validate import SpecIssue, SpecValidation, validate_spec


def spec(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    doc.update(extra)
    return doc


def get_op(op_id: str, schema: Any = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return {"get": {"operationId": op_id, "responses": {"200": response}}}


def load(tmp_path: Path, data: dict[str, Any], name: str = "api.json") -> SpecDocument:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return load_spec(str(path))


def test_valid_document(tmp_path: Path) -> None:
    result = validate_spec(load(tmp_path, spec(paths={"/a": get_op("a")})))
    assert result == SpecValidation("3.0.3", (), result.engine)
    assert result.valid and result.engine.startswith("openapi-spec-validator-rs")


def test_every_error_is_reported_with_pointer_and_line(tmp_path: Path) -> None:
    data = spec(info={"title": 5, "version": "1"}, components={"schemas": {"A": {"type": "strin"}, "B": {"type": "objct"}}})
    result = validate_spec(load(tmp_path, data))
    assert not result.valid
    by_pointer = {issue.pointer: issue for issue in result.errors}
    assert {"/info/title", "/components/schemas/A/type", "/components/schemas/B/type"} <= set(by_pointer)
    assert by_pointer["/info/title"].line == 4
    assert by_pointer["/components/schemas/B/type"].line is not None
    assert all("\n" not in issue.message for issue in result.errors)


def test_duplicate_operation_ids_are_located(tmp_path: Path) -> None:
    result = validate_spec(load(tmp_path, spec(paths={"/a": get_op("x"), "/b": get_op("x")})))
    assert result.errors == (
        SpecIssue("operationId 'x' is not unique (first used at /paths/~1a/get/operationId)", "/paths/~1b/get/operationId", 20),
    )


def test_dangling_local_ref_and_other_errors_together(tmp_path: Path) -> None:
    data = spec(info={"title": 5, "version": "1"}, paths={"/a": get_op("a", {"$ref": "#/components/schemas/Nope"})})
    result = validate_spec(load(tmp_path, data))
    pointers = [issue.pointer for issue in result.errors]
    assert "/paths/~1a/get/responses/200/content/application~1json/schema" in pointers
    assert "/info/title" in pointers  # the validator still ran past the dangling reference


def test_ref_to_missing_file_is_an_issue(tmp_path: Path) -> None:
    result = validate_spec(load(tmp_path, spec(paths={"/a": get_op("a", {"$ref": "gone.yaml#/S"})})))
    assert len(result.errors) == 1
    assert "gone.yaml" in result.errors[0].message and result.errors[0].line is not None


def test_cyclic_refs_validate_and_index(tmp_path: Path) -> None:
    node = {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/components/schemas/N"}}}}
    doc = load(tmp_path, spec(paths={"/a": get_op("a", {"$ref": "#/components/schemas/N"})}, components={"schemas": {"N": node}}))
    assert validate_spec(doc).valid
    index = build_index(doc)
    resolved = index.resolve(index.operations[0].responses[0].media_types[0].schema)
    assert resolved["properties"]["kids"]["items"] == {"$ref": "#/components/schemas/N"}


def test_unsupported_version(tmp_path: Path) -> None:
    result = validate_spec(load(tmp_path, spec(openapi="4.0.0")))
    assert [issue.pointer for issue in result.errors] == ["/openapi"]
    assert result.version == "4.0.0"


def test_swagger_2(tmp_path: Path) -> None:
    good = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    assert validate_spec(load(tmp_path, good)).valid
    bad = dict(good, paths={"/a": {"get": {"responses": {"200": {}}}}})
    assert not validate_spec(load(tmp_path, bad)).valid


def test_validators_never_fetch(tmp_path: Path) -> None:
    data = spec(paths={"/a": get_op("a", {"$ref": "http://127.0.0.1:1/remote.json#/S"})})
    doc = SpecDocument(data, "api.json", (tmp_path / "api.json").as_uri(), "json", "", 0)
    result = validate_spec(doc)  # built directly, without saying the ref was left unfetched: dangling
    assert not result.valid and result.not_fetched == ()
    assert "remote.json" in result.errors[0].message


REMOTE = "https://schemas.example.test/housing/common.json"
SCHEMA_SITE = "/paths/~1a/get/responses/200/content/application~1json/schema"


def remote_spec(**extra: Any) -> dict[str, Any]:
    """A spec whose schema, parameter and response are all network $refs (none can be fetched)."""
    op = get_op("a", {"$ref": f"{REMOTE}#/Property"})
    op["get"]["parameters"] = [{"$ref": f"{REMOTE}#/parameters/page"}]
    op["get"]["responses"]["404"] = {"$ref": "https://other.example.test/errors.yaml#/NotFound"}
    return spec(paths={"/a": op}, **extra)


@pytest.mark.parametrize("engine", ["rs", "python"])
def test_not_fetched_remote_refs_are_stubbed_and_reported_not_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    if engine == "python":
        monkeypatch.setattr(validate_module, "_rs_errors", lambda *a: (_ for _ in ()).throw(RuntimeError("no rs")))

    def no_network(uri: str) -> bytes:
        raise AssertionError(f"a validator tried to retrieve {uri}")

    monkeypatch.setattr(validate_module, "_retriever", lambda document: no_network)
    doc = load(tmp_path, remote_spec())
    assert len(doc.remote_refs) == 3 and doc.externals == {}
    result = validate_spec(doc)
    assert result.errors == ()
    assert result.not_fetched == ("https://other.example.test/errors.yaml", REMOTE)  # sorted
    assert result.engine.startswith("openapi-spec-validator-rs" if engine == "rs" else "openapi-spec-validator ")
    bad = validate_spec(load(tmp_path, remote_spec(info={"title": 5, "version": "1"})))
    assert [issue.pointer for issue in bad.errors] == ["/info/title"]  # real errors are still all reported
    assert bad.not_fetched == result.not_fetched


@pytest.mark.parametrize("engine", ["rs", "python"])
def test_remote_refs_in_a_file_beside_the_spec_are_served_as_stubs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    if engine == "python":
        monkeypatch.setattr(validate_module, "_rs_errors", lambda *a: (_ for _ in ()).throw(RuntimeError("no rs")))
    common = {"S": {"$ref": f"{REMOTE}#/S"}, "R": {"$ref": f"{REMOTE}#/responses/NotFound"}, "P": {"$ref": f"{REMOTE}#/a~1b/0"}}
    (tmp_path / "common.json").write_text(json.dumps(common))
    paths = {"/a": get_op("a", {"$ref": "common.json#/S"})}
    paths["/a"]["get"]["responses"]["404"] = {"$ref": "common.json#/R"}
    result = validate_spec(load(tmp_path, spec(paths=paths)))
    assert result.errors == () and result.not_fetched == (REMOTE,)
    assert "schema pass" not in result.engine  # the engine did not stop at the remote refs
    # A stubbed parameter may stop an engine; that is no error of the document.
    paths["/a"]["get"]["parameters"] = [{"$ref": "common.json#/P"}]
    document = load(tmp_path, spec(paths=paths))
    assert validate_module._remote_stubs(document) == {REMOTE: {"S": {}, "responses": {"NotFound": {}}, "a/b": {"0": {}}}}
    result = validate_spec(document)
    assert result.errors == () and result.not_fetched == (REMOTE,)
    bad = validate_spec(load(tmp_path, spec(paths=paths, info={"title": 5, "version": "1"})))
    assert [issue.pointer for issue in bad.errors] == ["/info/title"]


def test_a_remote_ref_that_is_not_listed_as_not_fetched_stays_dangling() -> None:
    data = spec(paths={"/a": get_op("a", {"$ref": f"{REMOTE}#/S"})})
    listed = SpecDocument(data, "api.json", "file:///nowhere/api.json", "json", "", 0, remote_refs=((SCHEMA_SITE, f"{REMOTE}#/S"),))
    assert validate_spec(listed).valid and validate_spec(listed).not_fetched == (REMOTE,)
    unlisted = SpecDocument(data, "api.json", "file:///nowhere/api.json", "json", "", 0)
    assert [issue.pointer for issue in validate_spec(unlisted).errors] == [SCHEMA_SITE]


def test_remote_document_is_served_from_externals() -> None:
    data = spec(paths={"/a": get_op("a", {"$ref": "http://127.0.0.1:1/remote.json#/S"})})
    externals = {"http://127.0.0.1:1/remote.json": {"S": {"type": "string"}}}
    doc = SpecDocument(data, "api.json", "file:///nowhere/api.json", "json", "", 0, externals)
    assert validate_spec(doc).valid


def test_falls_back_to_pure_python_when_rs_breaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("engine broke")

    monkeypatch.setattr(validate_module, "_rs_errors", broken)
    good = validate_spec(load(tmp_path, spec(paths={"/a": get_op("a")})))
    assert good.valid and good.engine.startswith("openapi-spec-validator ")
    bad = validate_spec(load(tmp_path, spec(info={"title": 5, "version": "1"})))
    assert [issue.pointer for issue in bad.errors] == ["/info/title"]


def test_abort_becomes_schema_pass_issues(tmp_path: Path) -> None:
    data = {"openapi": "3.0.3", "paths": [1]}
    result = validate_spec(load(tmp_path, data))
    messages = " ".join(issue.message for issue in result.errors)
    assert "info" in messages and "/paths" in [issue.pointer for issue in result.errors]


def test_yaml_lines_in_issues(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a:\n    get:\n      responses:\n        '200': {}\n")
    result = validate_spec(load_spec(str(path)))
    assert [(issue.pointer, issue.line) for issue in result.errors][:1] == [("/paths/~1a/get/responses/200", 9)]


def test_rs_gets_referenced_files_from_the_retriever_never_from_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """rs opens `file:` documents itself (a FIFO beside the spec would block it): it is given them through
    the retriever, built from what load_spec read (issue 19 item 3)."""
    (tmp_path / "s.json").write_text(json.dumps({"type": "object", "properties": {"t": {"$ref": "sub/t.json"}}}))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "t.json").write_text(json.dumps({"type": "string"}))
    document = load(tmp_path, spec(paths={"/a": get_op("a", {"$ref": "s.json"})}))
    asked: list[str] = []
    made = validate_module._retriever

    def recording(doc: SpecDocument) -> Any:
        retrieve = made(doc)

        def wrapped(uri: str) -> bytes:
            asked.append(uri)
            return retrieve(uri)

        return wrapped

    monkeypatch.setattr(validate_module, "_retriever", recording)
    result = validate_spec(document)
    assert result.valid and result.engine.startswith("openapi-spec-validator-rs")
    assert sorted(uri.rsplit("/", 2)[-1] for uri in asked) == ["s.json", "t.json"]
    assert all(not uri.startswith("file:") for uri in asked)


def test_a_document_naming_a_file_uri_is_not_given_to_rs(tmp_path: Path) -> None:
    """An absolute `file:` `$ref` (or `$id`) would make rs open it whatever its base: the pure-Python engine,
    whose every handler serves loaded documents only, validates such a description."""
    (tmp_path / "s.json").write_text(json.dumps({"type": "string"}))
    absolute = (tmp_path / "s.json").as_uri()
    result = validate_spec(load(tmp_path, spec(paths={"/a": get_op("a", {"$ref": absolute})})))
    assert result.valid and result.engine.startswith("openapi-spec-validator ")
