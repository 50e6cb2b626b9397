"""GitLab Code Quality report: golden file, valid against GitLab's published entry schema and its documented fields."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from interopcheck.report import gitlab

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "gitlab-codeclimate.json").read_text(encoding="utf-8"))
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _validate(issues: Any) -> None:
    """Assert `issues` is what GitLab accepts: a JSON array, each entry valid against GitLab's schema
    (`app/validators/json_schemas/codeclimate.json`) and carrying the documented fields."""
    assert isinstance(issues, list), "a Code Quality report is a single JSON array"
    validator = jsonschema.Draft7Validator(SCHEMA)
    errors = [f"[{i}] {list(e.absolute_path)}: {e.message}" for i, entry in enumerate(issues) for e in validator.iter_errors(entry)]
    for i, entry in enumerate(issues):
        if not isinstance(entry, dict):
            continue
        if not isinstance(entry.get("check_name"), str) or not entry["check_name"]:
            errors.append(f"[{i}] check_name missing")
        if entry.get("severity") not in SEVERITIES:
            errors.append(f"[{i}] severity {entry.get('severity')!r} is not one of {sorted(SEVERITIES)}")
        loc = entry.get("location") or {}
        path = loc.get("path")
        if not isinstance(path, str) or not path or path.startswith(("/", "./")) or "://" in path:
            errors.append(f"[{i}] location.path {path!r} is not a relative path")
        begin = (loc.get("lines") or {}).get("begin")
        if not isinstance(begin, int) or begin < 1:
            errors.append(f"[{i}] location.lines.begin {begin!r} is not a line number")
    fingerprints = [e.get("fingerprint") for e in issues if isinstance(e, dict)]
    if len(set(fingerprints)) != len(fingerprints):
        errors.append("fingerprints repeat (GitLab keeps only the last entry of each)")
    assert not errors, errors


def test_golden(good: dict[str, Any], flawed: dict[str, Any], golden: Callable[[str, str], None]) -> None:
    golden("good.codequality.json", gitlab.render(good))
    golden("flawed.codequality.json", gitlab.render(flawed))


@pytest.mark.parametrize("name", ["good", "flawed"])
def test_valid_against_gitlabs_schema(name: str, request: pytest.FixtureRequest) -> None:
    _validate(json.loads(gitlab.render(request.getfixturevalue(name))))


@pytest.mark.parametrize("breakage", [
    lambda e: e.pop("fingerprint"),
    lambda e: e["location"]["lines"].update(begin="7"),
    lambda e: e.update(severity="error"),
    lambda e: e.pop("check_name"),
    lambda e: e["location"].update(path="/abs/openapi.yaml"),
])
def test_validation_catches_a_broken_entry(flawed: dict[str, Any], breakage: Callable[[dict[str, Any]], Any]) -> None:
    issues = json.loads(gitlab.render(flawed))
    breakage(issues[0])
    with pytest.raises(AssertionError):
        _validate(issues)


def test_severities_and_locations(flawed: dict[str, Any]) -> None:
    issues = {i["check_name"]: i for i in json.loads(gitlab.render(flawed))}
    static = issues["spec.https-servers"]
    assert static["severity"] == "critical" and static["location"] == {"path": "openapi.yaml", "lines": {"begin": 7}}
    assert static["description"].startswith("HSG-API-01 (MUST) spec.https-servers: ")
    assert issues["spec.info-complete"]["severity"] == "minor"
    live = issues["live.pagination"]  # not in a file: on the spec's first line, the request in the description
    assert live["location"] == {"path": "openapi.yaml", "lines": {"begin": 1}} and "GET https://sandbox.test/v1/properties?page=2" in live["description"]
    assert issues["live.response-time"]["severity"] == "info"


def test_fingerprints_are_stable_and_unique(flawed: dict[str, Any]) -> None:
    check = flawed["outcomes"][0]["checks"][0]
    check["findings"] = [check["findings"][0], check["findings"][0]]  # the same finding twice
    first, second = json.loads(gitlab.render(flawed)), json.loads(gitlab.render(flawed))
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in second]
    _validate(first)


def test_paths_relative_to_the_workspace(flawed: dict[str, Any]) -> None:
    flawed["run"]["spec_source"] = "/builds/council/api/specs/openapi.yaml"
    issues = json.loads(gitlab.render(flawed, workspace="/builds/council/api"))
    assert {i["location"]["path"] for i in issues} == {"specs/openapi.yaml"}
    _validate(issues)


def test_url_spec_points_at_the_declaration(flawed: dict[str, Any]) -> None:
    flawed["run"]["spec_source"] = "https://api.example.test/openapi.yaml"
    issues = json.loads(gitlab.render(flawed))
    assert {i["location"]["path"] for i in issues} == {"declaration.yaml"}
    assert "(at /servers/0/url)" in issues[0]["description"]
    _validate(issues)
