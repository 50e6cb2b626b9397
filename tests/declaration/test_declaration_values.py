"""check_value_maps: value map targets and constants against the standard's code lists (a small test standards folder)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interopcheck.declaration import Declaration, load_declaration
from interopcheck.declaration_values import check_value_maps, code_labels
from interopcheck.errors import DeclarationError, ExitCode
from interopcheck.standards import build_registry

BASE = "https://standards.interopcheck.org/"
CORE_LIKE = [{"code": 4, "label": "Assured Shorthold Tenancy (AST) – Fixed term"}, {"code": 7, "label": "Secure (including flexible)"},
             {"code": 8, "label": "Periodic"}]
HACT_LIKE = [{"code": str(n), "label": label} for n, label in enumerate(["Immediate", "Emergency", "Urgent", "Routine", "Planned"], 1)]


def _write(root: Path, name: str, schema: dict[str, Any]) -> None:
    path = root / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": BASE + f"{name}.json", **schema}))


@pytest.fixture(scope="module")
def standards(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("standards")
    _write(root, "codelists/kind", {"type": "integer", "enum": [c["code"] for c in CORE_LIKE], "x-codes": CORE_LIKE})
    _write(root, "codelists/priority", {"type": "string", "enum": [c["code"] for c in HACT_LIKE], "x-codes": HACT_LIKE})
    _write(root, "entities/tenancy", {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "tenancy_type": {"$ref": "../codelists/kind.json"},
            "priority": {"anyOf": [{"$ref": "../codelists/priority.json"}, {"type": "null"}]},
            "local_authority": {"type": "string"},
            "bedrooms": {"type": "integer"},
            "alerts": {"type": "array", "items": {"$ref": "../codelists/priority.json"}},
        },
    })
    return build_registry(root)


HEAD = """declaration_version: "1.0"
profile: housing
supplier: {name: Maps Ltd, product: Maps 1}
entities:
  tenancy:
    collection: listTenancies
    fields:
"""


def load(tmp_path: Path, body: str) -> Declaration:
    path = tmp_path / "decl.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return load_declaration(path)


def refused(tmp_path: Path, standards: Any, body: str) -> str:
    decl = load(tmp_path, body)
    with pytest.raises(DeclarationError) as info:
        check_value_maps(decl, standards)
    assert info.value.exit_code is ExitCode.BAD_INPUT and info.value.hint
    return str(info.value)


def test_codes_of_the_lists_pass(tmp_path: Path, standards: Any) -> None:
    decl = load(tmp_path, """      /tenancy_type: {from: /kind, values: {AST: 4, SEC: 7, PER: 8}}
      /priority: {from: /prio, values: {P1: "1", P5: "5", none: null}}
      /local_authority: {constant: E09000012}
      /bedrooms: {constant: 2}
      /alerts: {from: /alerts, values: {x: "2"}}
      /not_a_standard_field: {constant: 1}
""")
    check_value_maps(decl, standards)


def test_labels_are_read_from_x_codes(standards: Any) -> None:
    assert code_labels(standards, "tenancy", "/tenancy_type")["Periodic"] == 8
    assert code_labels(standards, "tenancy", "/priority")["Urgent"] == "3"
    assert code_labels(standards, "tenancy", "/local_authority") == {}


def test_a_target_outside_the_list_names_file_line_field_and_the_code_meant(tmp_path: Path, standards: Any) -> None:
    message = refused(tmp_path, standards, """      /tenancy_type:
        from: /kind
        values:
          AST: 4
          SEC: Secure
""")
    assert "decl.yaml:12: tenancy /tenancy_type: the value map sends 'SEC' to 'Secure', which is not a code of the field's code list" in message
    assert "did you mean 7 ('Secure (including flexible)')?" in message


def test_a_code_of_the_wrong_type_suggests_the_code(tmp_path: Path, standards: Any) -> None:
    message = refused(tmp_path, standards, '      /tenancy_type: {from: /kind, values: {AST: "4"}}\n')
    assert "sends 'AST' to '4', which is not a code" in message and "did you mean 4 (" in message
    message = refused(tmp_path, standards, "      /priority: {from: /p, values: {P1: 1}}\n")
    assert "sends 'P1' to 1, which is not a code" in message and "did you mean '1' ('Immediate')?" in message


def test_a_constant_is_checked_like_a_target(tmp_path: Path, standards: Any) -> None:
    message = refused(tmp_path, standards, "      /tenancy_type: {constant: 9}\n")
    assert "decl.yaml:8: tenancy /tenancy_type: the constant 9 is not a code of the field's code list" in message


def test_without_a_code_list_only_the_json_type_is_checked(tmp_path: Path, standards: Any) -> None:
    message = refused(tmp_path, standards, "      /bedrooms: {constant: two}\n")
    assert "the constant 'two' is a string, but the field is integer" in message
    message = refused(tmp_path, standards, "      /local_authority: {from: /la, values: {W: 12}}\n")
    assert "sends 'W' to 12, which is a integer, but the field is string" in message


def test_list_fields_check_their_items_codes(tmp_path: Path, standards: Any) -> None:
    message = refused(tmp_path, standards, "      /alerts: {from: /a, values: {x: Urgent}}\n")
    assert "did you mean '3' ('Urgent')?" in message
