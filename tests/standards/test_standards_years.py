"""Code lists narrowed to a collection year: a code is accepted from the year its source introduces it (and kept after it is withdrawn)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interopcheck.errors import StandardsError
from interopcheck.export.worker import _load_standards
from interopcheck.standards import build_registry, parse_year, year_label

BASE = "https://standards.interopcheck.org"


def _write(root: Path, name: str, schema: dict) -> None:
    path = root / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{BASE}/{name}.json", **schema}))


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    """A tiny standards folder: a dated code list (codes 1, 2 always; 55 from 2025; 9 until 2023) and an entity using it."""
    _write(tmp_path, "codelists/reason", {
        "type": "integer",
        "enum": [1, 2, 55, 9],
        "x-codes": [
            {"code": 1, "label": "One"}, {"code": 2, "label": "Two"},
            {"code": 55, "label": "New in 2025/26", "from": 2025}, {"code": 9, "label": "Withdrawn after 2023/24", "until": 2023},
        ],
    })
    _write(tmp_path, "codelists/plain", {"type": "string", "enum": ["a", "b"], "x-codes": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]})
    _write(tmp_path, "entities/tenancy", {
        "type": "object",
        "properties": {"reason": {"$ref": "../codelists/reason.json"}, "kind": {"$ref": "../codelists/plain.json"}},
    })
    return tmp_path


@pytest.mark.parametrize(("year", "accepted", "refused"), [
    (None, {1, 2, 55, 9}, set()),
    (2023, {1, 2, 9}, {55}),
    (2024, {1, 2, 9}, {55}),
    (2026, {1, 2, 55, 9}, set()),  # 9 was withdrawn after 2023/24, but records of earlier lettings rightly carry it
])
def test_entity_validation_follows_the_year(root: Path, year: int | None, accepted: set[int], refused: set[int]) -> None:
    """A record's code is valid only in the years the code list gives it."""
    validator = build_registry(root, year).validator("entities/tenancy")
    assert {c for c in (1, 2, 55, 9) if validator.is_valid({"reason": c})} == accepted
    assert not {c for c in refused if validator.is_valid({"reason": c})}


def test_fields_and_codes_show_the_year(root: Path) -> None:
    """The flattened field's enum (what the data checks compare) and the labelled codes follow the year too."""
    registry = build_registry(root, 2024)
    assert registry.year == 2024
    assert set(registry.fields("entities/tenancy")["/reason"].enum or ()) == {1, 2, 9}
    assert [(c.code, c.label) for c in registry.codes("reason")] == [(1, "One"), (2, "Two")]  # current in 2024/25
    assert [c.code for c in build_registry(root).codes("codelists/reason")] == [1, 2, 55, 9]
    assert [c.code for c in registry.codes("plain")] == ["a", "b"]  # no years: the same every year
    with pytest.raises(StandardsError, match="no code list named 'nope'"):
        registry.codes("nope")


def test_an_entry_without_a_code_is_a_standards_error(root: Path) -> None:
    """A broken x-codes entry is the bundled standards' defect, named, not a KeyError."""
    _write(root, "codelists/broken", {"type": "string", "enum": ["a"], "x-codes": [{"label": "A"}]})
    with pytest.raises(StandardsError, match="every x-codes entry needs a code"):
        build_registry(root).codes("broken")


def test_export_workers_rebuild_the_same_year(root: Path) -> None:
    """Export validation runs in worker processes: they are given the year and narrow the same way."""
    registry = _load_standards(("root", str(root), "2024"))
    assert registry.year == 2024 and not registry.validator("entities/tenancy").is_valid({"reason": 55})
    assert registry.validator("entities/tenancy").is_valid({"reason": 9})
    assert _load_standards(("root", str(root))).year is None


@pytest.mark.parametrize(("text", "year"), [("2025", 2025), (2025, 2025), ("2025/26", 2025), (" 2099/00 ", 2099)])
def test_parse_year_accepts_both_forms(text: str | int, year: int) -> None:
    """A start year or a year pair; the label goes back to the pair."""
    assert parse_year(text) == year
    assert year_label(2025) == "2025/26" and year_label(2099) == "2099/00"


@pytest.mark.parametrize("text", ["25", "2025/27", "2025-26", "twenty", ""])
def test_parse_year_refuses_others_with_the_forms(text: str) -> None:
    """A malformed year says which forms are accepted."""
    with pytest.raises(ValueError, match="start year"):
        parse_year(text)
