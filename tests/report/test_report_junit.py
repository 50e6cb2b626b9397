"""JUnit report: one testcase per requirement; failures, errors and skips as CI expects."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from interopcheck.report import junit


def test_golden(good: dict[str, Any], flawed: dict[str, Any], golden: Callable[[str, str], None]) -> None:
    golden("good.junit.xml", junit.render(good))
    golden("flawed.junit.xml", junit.render(flawed))


def test_one_testcase_per_requirement_with_outcomes(flawed: dict[str, Any]) -> None:
    root = ET.fromstring(junit.render(flawed))
    cases = {c.get("name", "").split(":")[0]: c for c in root.iter("testcase")}
    assert list(cases) == [o["requirement_id"] for o in flawed["outcomes"]]
    failure = cases["HSG-API-01"].find("failure")
    assert failure is not None and failure.get("message") == flawed["outcomes"][0]["reason"]
    assert "<script>alert(1)</script>" in (failure.text or "")  # escaped in XML, intact when parsed
    assert cases["HSG-API-21"].find("error") is not None
    assert cases["HSG-EXP-07"].find("skipped") is not None and cases["HSG-SEC-02"].find("skipped") is not None
    assert cases["HSG-API-03"].find("failure") is None  # a SHOULD warning does not fail CI
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("7", "2", "1", "2")


def test_conformant_report_has_no_failures(good: dict[str, Any]) -> None:
    root = ET.fromstring(junit.render(good))
    assert root.get("failures") == "0" and root.get("errors") == "0"
    assert not list(root.iter("failure"))


def test_control_characters_do_not_break_the_xml(flawed: dict[str, Any]) -> None:
    flawed["outcomes"][0]["reason"] = "bad\x00byte\x1b"
    root = ET.fromstring(junit.render(flawed))
    failure = next(root.iter("failure"))
    assert failure.get("message") == "bad\ufffdbyte\ufffd"
