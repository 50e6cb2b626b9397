"""load_spec: decoding, limits, hashes, `$ref`d files, and fetching over http."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interopcheck.errors import InputError, SpecReadError
from interopcheck.spec import load as load_module
from interopcheck.spec.index import build_index
from interopcheck.spec.load import load_spec
from interopcheck.spec.validate import validate_spec


# The same document the `spec_server` fixture (conftest.py) serves at /spec.json.
SPEC_JSON = b'{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}'
CASES_DIR = Path(__file__).resolve().parents[1] / "cases" / "bad-specs"
MINIMAL = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_json_is_read_with_hash_size_and_base_uri(tmp_path: Path) -> None:
    path = write(tmp_path, "api.json", SPEC_JSON)
    doc = load_spec(str(path))
    assert doc.format == "json"
    assert doc.data["info"]["title"] == "t"
    assert doc.sha256 == hashlib.sha256(SPEC_JSON).hexdigest()
    assert doc.size == len(SPEC_JSON)
    assert doc.base_uri == path.resolve().as_uri()
    assert doc.source == str(path)
    assert doc.externals == {}


def test_yaml_keys_are_strings_and_dates_stay_text(tmp_path: Path) -> None:
    doc = load_spec(str(write(tmp_path, "api.yaml", MINIMAL + "x-codes:\n  200: ok\n  on: yes\nx-when: 2024-01-31\n")))
    assert doc.format == "yaml"
    assert doc.data["x-codes"] == {"200": "ok", "on": True}
    assert doc.data["x-when"] == "2024-01-31"


def test_yaml_merge_keys_may_override(tmp_path: Path) -> None:
    text = MINIMAL + "x-base: &b {a: 1, b: 2}\nx-child:\n  <<: *b\n  b: 3\n"
    doc = load_spec(str(write(tmp_path, "api.yaml", text)))
    assert doc.data["x-child"] == {"a": 1, "b": 3}


def test_bom_is_stripped_and_sha_is_of_the_raw_bytes(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + MINIMAL.encode()
    doc = load_spec(str(write(tmp_path, "api.yaml", raw)))
    assert doc.data["openapi"] == "3.0.3"
    assert doc.sha256 == hashlib.sha256(raw).hexdigest() and doc.size == len(raw)


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    doc = load_spec(str(write(tmp_path, "api.json", SPEC_JSON.decode().encode("utf-16"))))
    assert doc.format == "json" and doc.data["openapi"] == "3.0.3"
    assert doc.line_of("/info") == 1


def test_not_utf8_names_the_byte(tmp_path: Path) -> None:
    with pytest.raises(SpecReadError, match=r"not UTF-8 at byte 29"):
        load_spec(str(write(tmp_path, "api.yaml", "openapi: 3.0.3\ninfo: {t: 'caf\xe9'}\n".encode("latin-1"))))


def test_missing_file_and_directory_are_read_errors(tmp_path: Path) -> None:
    with pytest.raises(SpecReadError, match="no such file"):
        load_spec(str(tmp_path / "nope.yaml"))
    with pytest.raises(SpecReadError, match="directory"):
        load_spec(str(tmp_path))
    assert issubclass(SpecReadError, InputError)


def test_max_bytes_refuses_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "api.yaml", MINIMAL)
    opened: list[Path] = []
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self))
    with pytest.raises(SpecReadError, match="--max-spec-bytes"):
        load_spec(str(path), max_bytes=10)
    assert opened == []


def test_json_duplicate_check_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "api.json", '{"openapi": "3.0.3", "x": 1, "x": 2}')
    with pytest.raises(SpecReadError, match="duplicate key 'x'"):
        load_spec(str(path))
    monkeypatch.setattr(load_module, "JSON_DUPLICATE_CHECK_BYTES", 10)
    assert load_spec(str(path)).data["x"] == 2  # above the bound: the last value wins, as in JavaScript


def test_moderate_yaml_aliases_are_fine(tmp_path: Path) -> None:
    text = MINIMAL + "x-a: &a {type: string}\nx-list: [*a, *a, *a]\n"
    assert load_spec(str(write(tmp_path, "api.yaml", text))).data["x-list"][2] == {"type": "string"}


def test_external_files_are_loaded_recursively_by_absolute_uri() -> None:
    doc = load_spec(str(CASES_DIR / "external-refs" / "openapi.yaml"))
    schemas = CASES_DIR / "external-refs" / "schemas"
    assert set(doc.externals) == {(schemas / "property.yaml").resolve().as_uri(), (schemas / "common.yaml").resolve().as_uri()}
    assert doc.externals[(schemas / "common.yaml").resolve().as_uri()]["Address"]["type"] == "object"


def test_parent_directory_refs_within_the_spec_folder_are_loaded(tmp_path: Path) -> None:
    write(tmp_path, "common.json", json.dumps({"S": {"type": "string"}}))
    (tmp_path / "schemas").mkdir()
    write(tmp_path / "schemas", "s.yaml", "S: {$ref: '../common.json#/S'}\n")  # up from a subfolder, still inside
    path = write(tmp_path, "openapi.yaml", MINIMAL + "components:\n  schemas:\n    S: {$ref: 'schemas/s.yaml#/S'}\n")
    doc = load_spec(str(path))
    assert set(doc.externals) == {(tmp_path / "schemas" / "s.yaml").resolve().as_uri(), (tmp_path / "common.json").resolve().as_uri()}
    index = build_index(doc)
    assert index.resolve(index.get("/components/schemas/S")) == {"type": "string"}


def test_parent_directory_refs_out_of_the_spec_folder_are_not_read(tmp_path: Path) -> None:
    write(tmp_path, "common.json", json.dumps({"S": {"type": "string"}}))
    (tmp_path / "api").mkdir()
    path = write(tmp_path / "api", "openapi.yaml", MINIMAL + "components:\n  schemas:\n    S: {$ref: '../common.json#/S'}\n")
    doc = load_spec(str(path))
    assert doc.externals == {} and doc.remote_refs == ()
    validation = validate_spec(doc)
    assert not validation.valid and [e.pointer for e in validation.errors] == ["/components/schemas/S"]


def test_remote_ref_is_recorded_not_fetched_and_not_an_error(spec_server: Any, tmp_path: Path) -> None:
    ref = f"{spec_server.url}/schemas.json#/Property"
    text = MINIMAL + f"components:\n  schemas:\n    P: {{$ref: '{ref}'}}\n    Q: {{$ref: '{ref}'}}\n"
    doc = load_spec(str(write(tmp_path, "api.yaml", text)))
    assert doc.externals == {}
    assert sorted(doc.remote_refs) == [("/components/schemas/P", ref), ("/components/schemas/Q", ref)]
    assert spec_server.hits == []


def test_remote_ref_in_a_file_beside_the_spec_is_recorded_with_its_file(tmp_path: Path) -> None:
    write(tmp_path, "common.yaml", "S: {$ref: 'https://schemas.example.test/s.json#/S'}\n")
    doc = load_spec(str(write(tmp_path, "api.yaml", MINIMAL + "components:\n  schemas:\n    S: {$ref: 'common.yaml#/S'}\n")))
    common = (tmp_path / "common.yaml").resolve().as_uri()
    assert list(doc.externals) == [common]
    assert doc.remote_refs == ((f"{common}#/S", "https://schemas.example.test/s.json#/S"),)


def test_remote_ref_is_fetched_when_allowed(spec_server: Any, tmp_path: Path) -> None:
    text = MINIMAL + f"components:\n  schemas:\n    P: {{$ref: '{spec_server.url}/schemas.json#/Property'}}\n"
    doc = load_spec(str(write(tmp_path, "api.yaml", text)), allow_remote_refs=True)
    assert doc.externals[f"{spec_server.url}/schemas.json"]["Property"]["type"] == "object"
    assert doc.remote_refs == () and spec_server.hits == ["/schemas.json"]


def test_spec_by_url(spec_server: Any) -> None:
    assert spec_server.spec_json == SPEC_JSON
    doc = load_spec(f"{spec_server.url}/spec.json")
    assert doc.data["openapi"] == "3.0.3"
    assert doc.base_uri == f"{spec_server.url}/spec.json"
    assert doc.sha256 == hashlib.sha256(SPEC_JSON).hexdigest()


def test_relative_refs_of_a_url_spec_are_remote(spec_server: Any) -> None:
    doc = load_spec(f"{spec_server.url}/remote.yaml")
    site = "/paths/~1v1~1properties/get/responses/200/content/application~1json/schema"
    assert doc.remote_refs == ((site, "schemas.json#/Property"),) and doc.externals == {}
    assert spec_server.hits == ["/remote.yaml"]
    validation = validate_spec(doc)
    assert validation.valid and validation.not_fetched == (f"{spec_server.url}/schemas.json",)
    doc = load_spec(f"{spec_server.url}/remote.yaml", allow_remote_refs=True)
    assert f"{spec_server.url}/schemas.json" in doc.externals and doc.remote_refs == ()
    assert validate_spec(doc).not_fetched == ()


def test_url_non_200_is_a_read_error(spec_server: Any) -> None:
    with pytest.raises(SpecReadError, match="HTTP 404"):
        load_spec(f"{spec_server.url}/missing.json")


def test_url_declared_size_over_cap(spec_server: Any) -> None:
    with pytest.raises(SpecReadError, match="over the limit"):
        load_spec(f"{spec_server.url}/declared-big", max_bytes=1_000_000)


def test_url_streamed_size_over_cap(spec_server: Any) -> None:
    with pytest.raises(SpecReadError, match="more than 1,000,000 bytes"):
        load_spec(f"{spec_server.url}/endless", max_bytes=1_000_000)


@pytest.mark.timeout(20)
def test_url_timeout(spec_server: Any) -> None:
    with pytest.raises(SpecReadError, match="within 0.3 s"):
        load_spec(f"{spec_server.url}/slow", timeout=0.3)


def test_unreachable_url_is_a_read_error() -> None:
    with pytest.raises(SpecReadError, match="cannot be fetched"):
        load_spec("http://127.0.0.1:1/spec.json", timeout=2)


def test_json_nesting_limit(tmp_path: Path) -> None:
    def nested(levels: int) -> str:
        inner = "[" * (levels - 2) + "]" * (levels - 2)
        return '{"openapi": "3.0.3", "x": ' + inner + "}"

    assert load_spec(str(write(tmp_path, "ok.json", nested(500)))).data["openapi"] == "3.0.3"
    with pytest.raises(SpecReadError, match="nested more than 500 levels"):
        load_spec(str(write(tmp_path, "deep.json", nested(502))))


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_arbitrary_bytes_never_raise_anything_else(tmp_path: Path, raw: bytes) -> None:
    path = write(tmp_path, "fuzz.yaml", raw)
    try:
        doc = load_spec(str(path))
    except SpecReadError:
        return
    assert isinstance(doc.data, dict)
