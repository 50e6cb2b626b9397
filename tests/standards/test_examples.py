"""The example records published in standards/examples/: valid ones pass their entity's schema, invalid ones fail where their sidecar says.

Each invalid example `NAME.json` has `NAME.pointer` beside it: the JSON pointer of the one fault it was
written to show, which must be among the pointers the compiled validator reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interopcheck.entities import ENTITIES
from interopcheck.resources import standards_dir
from interopcheck.standards import load_standards

EXAMPLES = standards_dir() / "examples"


def _examples(kind: str) -> list[tuple[str, Path]]:
    return [(entity, path) for entity in ENTITIES for path in sorted((EXAMPLES / entity / kind).glob("*.json"))]


def _id(value: object) -> str:
    return f"{value.parent.parent.name}/{value.stem}" if isinstance(value, Path) else str(value)


@pytest.mark.parametrize("entity", ENTITIES)
def test_every_entity_has_two_valid_and_three_invalid_examples(entity: str) -> None:
    """At least two valid and three invalid examples, the invalid ones each failing at their own pointer or for their own reason."""
    assert len(_examples_of(entity, "valid")) >= 2
    invalid = _examples_of(entity, "invalid")
    assert len(invalid) >= 3
    assert all(path.with_suffix(".pointer").is_file() for path in invalid)


def _examples_of(entity: str, kind: str) -> list[Path]:
    return sorted((EXAMPLES / entity / kind).glob("*.json"))


@pytest.mark.parametrize(("entity", "path"), _examples("valid"), ids=_id)
def test_valid_example(entity: str, path: Path) -> None:
    """A valid example passes its entity's schema with no error."""
    validator = load_standards().validator(entity)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert validator.errors(record) == []


@pytest.mark.parametrize(("entity", "path"), _examples("invalid"), ids=_id)
def test_invalid_example_fails_at_its_pointer(entity: str, path: Path) -> None:
    """An invalid example fails, and one of its errors is at the pointer in its sidecar."""
    validator = load_standards().validator(entity)
    record = json.loads(path.read_text(encoding="utf-8"))
    expected = path.with_suffix(".pointer").read_text(encoding="utf-8").strip()
    pointers = [e.pointer for e in validator.errors(record)]
    assert not validator.is_valid(record)
    assert expected in pointers, (expected, pointers)


def test_examples_are_not_loaded_as_schemas() -> None:
    """The loader skips standards/examples/ (records, not schemas)."""
    assert not [n for n in load_standards().names if n.startswith("examples/")]
