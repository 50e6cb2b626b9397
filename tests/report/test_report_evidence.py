"""report/evidence.py: checks and exchanges once each, findings pointing at record and field, failures first."""

from __future__ import annotations

import copy
from typing import Any

from interopcheck.report.evidence import collect, data_text, failed_musts, failures_first, record_problems, where_text

_RECORD = {"message": "property PRP-0000001: /uprn: 'uprn' is a required property", "location": None, "exchange": None,
           "data": {"id": "PRP-0000001", "line": 3, "errors": [
               {"pointer": "/uprn", "message": "'uprn' is a required property", "kind": "required"},
               {"pointer": "/bedrooms", "message": "-1 is less than the minimum of 0", "kind": "minimum"}]}}


def test_a_record_finding_names_the_record_and_each_field_in_plain_words() -> None:
    assert record_problems(_RECORD) == ("PRP-0000001 (line 3)", [("/uprn", "missing"), ("/bedrooms", "-1 is less than the minimum of 0")])
    assert where_text(_RECORD) == "record PRP-0000001 (line 3), field /uprn: missing; field /bedrooms: -1 is less than the minimum of 0"
    assert data_text(_RECORD) == ""  # the errors are shown as fields, not repeated as data


def test_other_findings_point_at_the_spec_or_the_request() -> None:
    assert record_problems({"message": "x"}) == (None, [])
    assert where_text({"message": "x", "location": {"pointer": "/servers/0/url", "line": 7}}) == "/servers/0/url (line 7)"
    assert data_text({"message": "x", "data": {"cutoff": "2025-05-13", "older": 7}}) == "cutoff: 2025-05-13; older: 7"


def test_an_exchange_cited_by_many_findings_is_stored_once(flawed: dict[str, Any]) -> None:
    check = flawed["outcomes"][2]["checks"][0]
    finding = check["findings"][0]
    check["findings"] = [copy.deepcopy(finding) for _ in range(43)]
    evidence = collect(flawed)
    cited = [e for e in evidence.exchanges if e.exchange["request"]["url"].endswith("page=2")]
    assert len(cited) == 1 and len(cited[0].cited_by) == 43
    assert evidence.exchange_of(check["findings"][42]) is cited[0]


def test_a_check_cited_by_two_requirements_is_collected_once(flawed: dict[str, Any]) -> None:
    flawed["outcomes"][1]["checks"].append(copy.deepcopy(flawed["outcomes"][0]["checks"][0]))
    checks = {c["check_id"]: reqs for c, reqs in collect(flawed).checks}
    assert checks["spec.https-servers"] == ["HSG-API-01", "HSG-API-03"]


def test_failures_come_first_and_only_failed_musts_are_listed(flawed: dict[str, Any]) -> None:
    assert [o["status"] for o in failures_first(flawed)] == ["fail", "fail", "error", "warn", "skip", "attested", "not_applicable"]
    assert [o["requirement_id"] for o in failed_musts(flawed)] == ["HSG-API-01", "HSG-API-14"]
