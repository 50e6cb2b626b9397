"""SARIF report: valid against the official SARIF 2.1.0 schema, one rule per check, static results on spec lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from interopcheck.report import sarif


def _validate(log: dict[str, Any], schema: dict[str, Any]) -> None:
    """Assert `log` is valid against the SARIF 2.1.0 schema, listing every error."""
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, errors


def test_golden(good: dict[str, Any], flawed: dict[str, Any], golden: Callable[[str, str], None]) -> None:
    golden("good.sarif", sarif.render(good))
    golden("flawed.sarif", sarif.render(flawed))


@pytest.mark.parametrize("name", ["good", "flawed"])
def test_valid_against_the_sarif_schema(name: str, request: pytest.FixtureRequest, sarif_schema: dict[str, Any]) -> None:
    _validate(json.loads(sarif.render(request.getfixturevalue(name))), sarif_schema)


def test_schema_catches_a_broken_log(flawed: dict[str, Any], sarif_schema: dict[str, Any]) -> None:
    log = json.loads(sarif.render(flawed))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError, match="fatal"):
        _validate(log, sarif_schema)


def test_rules_and_located_results(flawed: dict[str, Any]) -> None:
    run = json.loads(sarif.render(flawed))["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) == 6  # the attestation has no check
    by_rule = {r["ruleId"]: r for r in run["results"]}
    static = by_rule["spec.https-servers"]
    physical = static["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "openapi.yaml" and physical["region"]["startLine"] == 7
    assert static["level"] == "error" and "<script>" in static["message"]["text"]
    assert by_rule["spec.info-complete"]["level"] == "warning"  # cited by a SHOULD only
    live = by_rule["live.pagination"]
    assert "locations" not in live and live["properties"]["curl"].startswith("curl ")
    assert rule_ids[static["ruleIndex"]] == "spec.https-servers"
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["descriptor"]["id"] == "live.response-time"


def test_conformant_report_has_no_results(good: dict[str, Any]) -> None:
    run = json.loads(sarif.render(good))["runs"][0]
    assert run["results"] == [] and run["invocations"][0]["executionSuccessful"] is True


def test_absolute_spec_paths_become_file_uris(good: dict[str, Any]) -> None:
    good["run"]["spec_source"] = "/tmp/my specs/openapi.yaml"
    run = json.loads(sarif.render(good))["runs"][0]
    assert run["artifacts"][0]["location"]["uri"] == "file:///tmp/my%20specs/openapi.yaml"


def test_spec_paths_are_repository_relative_with_a_uri_base_id(flawed: dict[str, Any], sarif_schema: dict[str, Any]) -> None:
    """Code-scanning views place a result only when its artifact is relative to the checkout (%SRCROOT%)."""
    log = json.loads(sarif.render(flawed))
    run = log["runs"][0]
    located = next(r for r in run["results"] if r["ruleId"] == "spec.https-servers")
    artifact = located["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "openapi.yaml", "uriBaseId": "%SRCROOT%"}
    assert run["artifacts"][0]["location"] == {"uri": "openapi.yaml", "uriBaseId": "%SRCROOT%"}
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    _validate(log, sarif_schema)


def test_absolute_spec_paths_under_the_root_become_relative(good: dict[str, Any], tmp_path: Any) -> None:
    good["run"]["spec_source"] = str(tmp_path / "api" / "open api.yaml")
    run = json.loads(sarif.render(good, root=tmp_path))["runs"][0]
    assert run["artifacts"][0]["location"] == {"uri": "api/open%20api.yaml", "uriBaseId": "%SRCROOT%"}
