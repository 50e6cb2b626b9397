"""Fixtures of the report tests: the sample reports as canonical dicts, each checked against the
report schema, golden-file comparison with times normalised, and the vendored SARIF schema."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interopcheck.report import samples
from interopcheck.report.json_report import to_dict, validation_errors

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
_DURATION = re.compile(r'time="\d+\.\d+"')


def normalise(text: str) -> str:
    """`text` with timestamps and durations replaced, so goldens do not depend on when a run was."""
    return _DURATION.sub('time="T"', _TIME.sub("<TIME>", text))


def _valid(report: dict[str, Any]) -> dict[str, Any]:
    """Assert `report` matches report.schema.json and return it."""
    errors = validation_errors(report)
    assert not errors, errors
    return report


@pytest.fixture
def good() -> dict[str, Any]:
    """The conformant sample report, validated against report.schema.json."""
    return _valid(to_dict(samples.conformant_report()))


@pytest.fixture
def flawed() -> dict[str, Any]:
    """The flawed sample report (static and live failures, warn, error, skip, attested), validated."""
    return _valid(to_dict(samples.flawed_report()))


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare rendered text with tests/report/golden/<name>; UPDATE_GOLDEN=1 rewrites the file."""

    def check(name: str, text: str) -> None:
        """Assert `text` equals the golden file `name` (after normalising), rewriting it when asked."""
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN") == "1":
            path.parent.mkdir(exist_ok=True)
            path.write_text(normalise(text), encoding="utf-8")
        assert path.exists(), f"golden file {name} is missing; create it with UPDATE_GOLDEN=1"
        assert normalise(text) == path.read_text(encoding="utf-8"), f"{name} drifted; rerun with UPDATE_GOLDEN=1 if intended"

    return check


@pytest.fixture(scope="session")
def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 JSON Schema vendored beside these tests."""
    return json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
