"""Declarations: the template and the sandbox's declaration are valid; loading pins and maps them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from interopcheck.declaration import load_declaration
from interopcheck.errors import DeclarationError
from interopcheck.profile.load import load_profile
from interopcheck.profile.yamldoc import schema_validator

from .conftest import HOUSING, ROOT

TEMPLATE = HOUSING / "declaration.template.yaml"
SANDBOX = ROOT / "src" / "interopcheck" / "sandbox" / "declaration.yaml"


def test_schema_is_valid_2020_12() -> None:
    validator = schema_validator(str(HOUSING / "declaration.schema.json"))
    assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_template_is_valid_and_complete() -> None:
    decl = load_declaration(TEMPLATE)
    assert decl.sha256 == hashlib.sha256(TEMPLATE.read_bytes()).hexdigest()
    assert decl.source == str(TEMPLATE)
    assert decl.profile == "housing" and decl.supplier["name"] == "Example Housing Ltd"
    assert decl.entities["property"].identity and decl.entities["property"].collection == "listProperties"
    repair = decl.entities["repair"]
    assert not repair.identity and repair.mapped_pointer("/priority") == "/priority/code"
    assert repair.to_standard({"priority": {"code": 2}, "raisedAt": "2026-01-01T00:00:00Z"}) == {"priority": 2, "raised_at": "2026-01-01T00:00:00Z"}
    assert set(decl.attestations) == {r.id for r in load_profile("housing").requirements if r.attestation is not None}
    assert decl.export_job == {"kickoff": "/v1/$export", "since_param": "_since"}
    assert {e.format for e in decl.exports_of("property")} == {"ndjson", "csv"}


def test_sandbox_declaration_is_valid() -> None:
    if not SANDBOX.is_file():
        pytest.skip("the sandbox's declaration.yaml is not written yet")
    decl = load_declaration(SANDBOX)
    assert decl.entities


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DeclarationError, match="cannot read the file"):
        load_declaration(tmp_path / "absent.yaml")


def test_top_level_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(DeclarationError, match=r"list.yaml:1: a declaration must be a YAML mapping"):
        load_declaration(path)


def test_unquoted_date_hint(tmp_path: Path) -> None:
    text = TEMPLATE.read_text(encoding="utf-8").replace('date: "2026-11-01"', "date: 2026-11-01", 1)
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeclarationError) as info:
        load_declaration(path)
    assert "/attestations/0/date" in str(info.value) and 'write the date in quotes' in str(info.value)
