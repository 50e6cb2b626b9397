"""What a report says about the register (issue 15): the profile version, each requirement's `since`,
until when the report is valid (the profile's report_validity_days) and which environment was tested."""

from __future__ import annotations

import dataclasses

from interopcheck.checks.context import Scope
from interopcheck.config import option_keys
from interopcheck.engine.evaluate import evaluate_requirement
from interopcheck.engine.request import check_request
from interopcheck.engine.run import valid_until
from interopcheck.profile.load import load_profile
from interopcheck.report import html, markdown
from interopcheck.report.json_report import to_dict, validation_errors
from interopcheck.report.samples import conformant_report

HOUSING = load_profile("housing")


def _report() -> dict:
    report = conformant_report()
    outcomes = tuple(dataclasses.replace(o, since="1.0.0") for o in report.outcomes)
    return to_dict(dataclasses.replace(report, outcomes=outcomes, valid_until="2027-12-06", environment="production"))


def test_the_profile_sets_how_long_a_report_is_valid() -> None:
    assert HOUSING.report_validity_days == 365
    assert HOUSING.resolved()["report_validity_days"] == 365
    assert valid_until("2026-12-06T08:00:00+00:00", 365) == "2027-12-06"
    assert valid_until("2026-12-06T08:00:00Z", 1) == "2026-12-07"
    assert valid_until("2026-12-06T08:00:00+00:00", None) is None


def test_an_outcome_carries_its_requirements_since() -> None:
    req = HOUSING.requirement("HSG-API-28")
    outcome = evaluate_requirement(req, {}, None, Scope())
    assert outcome.since == "1.2.0"
    assert evaluate_requirement(HOUSING.requirement("HSG-API-01"), {}, None, Scope()).since == "1.0.0"


def test_the_report_fields_are_in_the_schema_and_every_format() -> None:
    report = _report()
    assert validation_errors(report) == []
    md = markdown.render(report)
    assert "| ID | Requirement | Level | Since | Outcome | Reason |" in md
    assert "Environment tested" in md and "production" in md
    assert "Valid until" in md and "2027-12-06" in md and f"{report['profile']['id']} {report['profile']['version']}" in md
    page = html.render(report)
    assert "since profile 1.0.0" in page and "Valid until" in page and "2027-12-06" in page and "production" in page


def test_a_report_from_before_the_register_renders_as_before() -> None:
    report = to_dict(conformant_report())
    assert report["valid_until"] is None and report["environment"] is None
    assert validation_errors(report) == []
    md = markdown.render(report)
    assert "| ID | Requirement | Level | Outcome | Reason |" in md and "Valid until" not in md
    assert "since profile" not in html.render(report)


def test_environment_is_an_option_and_a_config_key_defaulting_to_sandbox() -> None:
    assert "environment" in option_keys()
    assert check_request({"spec": "x.yaml"}).environment == "sandbox"
    assert check_request({"spec": "x.yaml", "environment": "production"}).environment == "production"
