"""The standards loader: local-only registry, error reporting, flattened fields and type compatibility."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interopcheck.errors import StandardsError
from interopcheck.standards import FieldSpec, build_registry, incompatibility, load_standards, supplier_type

BASE = "https://standards.interopcheck.org/"


def _write(root: Path, name: str, schema: dict) -> None:
    path = root / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": BASE + f"{name}.json", **schema}))


def test_load_standards_is_cached() -> None:
    assert load_standards() is load_standards()


def test_unknown_remote_ref_raises_standards_error(tmp_path: Path) -> None:
    """A $ref to anything outside the bundled files is refused, never fetched."""
    _write(tmp_path, "entities/thing", {"properties": {"x": {"$ref": "https://example.invalid/remote.json"}}})
    with pytest.raises(StandardsError, match="remote.json"):
        build_registry(tmp_path)


def test_relative_refs_resolve_locally(tmp_path: Path) -> None:
    _write(tmp_path, "common/code", {"type": "string", "pattern": "^[A-Z]{2}$"})
    _write(tmp_path, "entities/thing", {"type": "object", "required": ["code"], "properties": {"code": {"$ref": "../common/code.json"}}})
    registry = build_registry(tmp_path)
    assert registry.validator("entities/thing").is_valid({"code": "AB"})
    assert not registry.validator("entities/thing").is_valid({"code": "abc"})


def test_missing_folder_and_missing_id(tmp_path: Path) -> None:
    with pytest.raises(StandardsError, match="missing"):
        build_registry(tmp_path / "nope")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(StandardsError, match=r"\$id"):
        build_registry(tmp_path)


def test_unknown_schema_name() -> None:
    with pytest.raises(StandardsError, match="no standard schema"):
        load_standards().schema("castle")


def test_errors_carry_pointer_message_and_kind() -> None:
    validator = load_standards().validator("property")
    errors = validator.errors({"id": "p1", "updated_at": "2026-02-30T00:00:00Z", "bedrooms": "two"})
    by_pointer = {e.pointer: e for e in errors}
    assert by_pointer["/updated_at"].kind == "format"
    assert by_pointer["/bedrooms"].kind == "type"
    assert by_pointer["/uprn"].kind == "required"  # points at the missing field
    assert len(validator.errors({}, limit=2)) == 2


def test_format_validation_is_on() -> None:
    date = load_standards().validator("common/date")
    assert date.is_valid("2024-02-29")
    assert not date.is_valid("2025-02-29")


def test_fields_flatten_refs_and_nesting() -> None:
    fields = load_standards().fields("property")
    assert fields["/uprn"] == FieldSpec(type=("string",), required=True)
    assert fields["/address/postcode"].required and fields["/address/postcode"].type == ("string",)
    assert not fields["/address/saon"].required and fields["/address/saon"].nullable
    assert fields["/address"].leaf is False
    assert 1 in (fields["/property_type"].enum or ())  # CORE unittype_gn 1, "Flat or maisonette"
    assert fields["/updated_at"].format == "date-time"


def test_fields_of_nullable_code_list_and_arrays() -> None:
    standards = load_standards()
    closed = standards.fields("asb-case")["/closed_date"]
    assert closed.nullable and closed.required and not standards.fields("property")["/void_date"].required
    assert "active" in (standards.fields("tenancy")["/status"].enum or ())
    history = standards.fields("repair")["/status_history"]
    assert history.type == ("array",) and history.items is not None and history.items.type == ("object",)
    assert standards.fields("rent-account")["/currency"].enum == ("GBP",)
    assert standards.fields("repair")["/priority"] == FieldSpec(type=("string",), required=True, enum=("1", "2", "3", "4", "5"))


def test_required_fields_skip_optional_and_containers() -> None:
    required = load_standards().required_fields("property")
    assert "/uprn" in required and "/address/town" in required
    assert "/usrn" not in required and "/address" not in required and "/address/uprn" not in required


DATE = FieldSpec(type=("string",), format="date", required=True)
NUMBER = FieldSpec(type=("number",), required=True)
INTEGER = FieldSpec(type=("integer",), required=True)
NULLABLE_DATE = FieldSpec(type=("string", "null"), format="date", required=True)


@pytest.mark.parametrize(
    ("schema", "spec"),
    [
        ({"type": "string", "format": "date"}, DATE),
        ({"type": "integer"}, NUMBER),
        ({"type": "number"}, NUMBER),
        ({}, NUMBER),  # undeclared: cannot be judged
        ({}, DATE),
        ({"format": "date"}, DATE),
        ({"type": "string", "format": "date", "nullable": True}, NULLABLE_DATE),
        ({"type": ["string", "null"], "format": "date"}, NULLABLE_DATE),
        ({"allOf": [{"type": "integer"}]}, INTEGER),
    ],
)
def test_compatible(schema: dict, spec: FieldSpec) -> None:
    assert incompatibility(supplier_type(schema), spec) is None


@pytest.mark.parametrize(
    ("schema", "spec", "reason"),
    [
        ({"type": "string"}, DATE, "no format"),
        ({"type": "string", "format": "date"}, FieldSpec(type=("string",), format="date-time"), "format date-time"),
        ({"type": "string", "enum": ["a"]}, DATE, "no format"),
        ({"type": "string", "format": "date-time"}, DATE, "format date-time"),
        ({"type": "number"}, INTEGER, "integer"),
        ({"type": "string"}, INTEGER, "string"),
        ({"type": "integer", "nullable": True}, INTEGER, "nullable"),
    ],
)
def test_incompatible(schema: dict, spec: FieldSpec, reason: str) -> None:
    found = incompatibility(supplier_type(schema), spec)
    assert found is not None and reason in found


def test_supplier_type_follows_refs() -> None:
    components = {"#/c": {"type": "string", "enum": ["a", "b"]}}

    def resolve(node: object) -> object:
        while isinstance(node, dict) and "$ref" in node:
            node = components[node["$ref"]]
        return node

    found = supplier_type({"$ref": "#/c"}, resolve)
    assert found.types == frozenset({"string"}) and found.enum == ("a", "b")


def test_non_json_record_raises_standards_error() -> None:
    """Python values JSON cannot carry are a caller's defect, reported as the project's error."""
    import datetime

    validator = load_standards().validator("rent-account")
    record = {"id": "ra1", "updated_at": "2026-01-01T00:00:00Z", "tenancy_id": "t1", "currency": "GBP", "weekly_rent": 1, "balance": 0}
    with pytest.raises(StandardsError, match="not JSON data"):
        validator.is_valid({**record, "opened_date": datetime.date(2026, 1, 1)})
    with pytest.raises(StandardsError, match="not JSON data"):
        validator.errors({"tags": {1, 2}})
