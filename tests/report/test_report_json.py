"""The canonical JSON report: its shape, its schema and reading it back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from interopcheck.errors import ReportError
from interopcheck.model import Status
from interopcheck.report import samples
from interopcheck.report.json_report import REPORT_SCHEMA_VERSION, load_report, render, report_schema, to_dict, validation_errors


def test_schema_is_a_valid_2020_12_schema() -> None:
    schema = report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_to_dict_uses_plain_json_values(flawed: dict[str, Any]) -> None:
    assert flawed["schema_version"] == REPORT_SCHEMA_VERSION
    assert flawed["verdict"] == "not_conformant" and type(flawed["verdict"]) is str
    first = flawed["outcomes"][0]
    assert type(first["status"]) is str and first["status"] == Status.FAIL.value
    assert isinstance(flawed["outcomes"], list) and isinstance(first["checks"], list)
    assert isinstance(flawed["profile"]["files"], list)
    assert first["checks"][0]["findings"][0]["location"] == {"pointer": "/servers/0/url", "line": 7, "file": None}
    json.dumps(flawed)  # nothing left that JSON cannot hold


def test_key_order_is_the_dataclass_field_order(good: dict[str, Any]) -> None:
    assert list(good) == ["schema_version", "run", "profile", "verdict", "score", "counts", "outcomes",
                          "not_tested", "declaration_coverage", "modules", "standards_year", "settings", "summary",
                          "valid_until", "environment", "measures"]
    assert list(good["outcomes"][0]) == ["requirement_id", "title", "level", "mode", "status", "reason", "checks", "claimed", "since", "attestation"]


def test_to_dict_is_stable() -> None:
    assert render(to_dict(samples.flawed_report())) == render(to_dict(samples.flawed_report()))


def test_schema_rejects_unknown_keys_and_bad_enums(good: dict[str, Any]) -> None:
    extra = {**good, "verbose_only": True}
    assert validation_errors(extra)
    bad = json.loads(json.dumps(good))
    bad["outcomes"][0]["status"] = "passed"
    assert any("/outcomes/0/status" in e for e in validation_errors(bad))


def test_load_report_round_trips(tmp_path: Path, flawed: dict[str, Any]) -> None:
    path = tmp_path / "report.json"
    path.write_text(render(flawed), encoding="utf-8")
    assert load_report(path) == flawed


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "is not JSON"),
        ("[]", "not a JSON object"),
        ('{"schema_version": "0.9"}', "schema_version '0.9'"),
    ],
)
def test_load_report_refuses_bad_files(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReportError, match=reason) as info:
        load_report(path)
    assert "\n" not in str(info.value)


def test_load_report_names_the_first_schema_error(tmp_path: Path, good: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(good))
    del broken["score"]["formula"]
    path = tmp_path / "report.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ReportError, match="does not match the report schema: /score: 'formula' is a required property"):
        load_report(path)


def test_load_report_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot read report"):
        load_report(tmp_path / "absent.json")
