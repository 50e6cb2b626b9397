"""JUnit XML report: one test case per requirement, so any CI shows what failed and why.

A MUST that failed is a <failure>; a tool or sandbox error is an <error>; skipped and not-applicable
requirements are <skipped>. A SHOULD or MAY not met (warn) passes with the reason in system-out,
because CI gates on MUSTs only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from interopcheck.report.common import status_label


_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (supplier bodies may contain NULs)."""
    return _NOT_XML.sub("\ufffd", text)


def _seconds(outcome: dict[str, Any]) -> str:
    """The time spent on a requirement's checks, in seconds, as JUnit's time attribute."""
    return f"{sum(c.get('duration_ms', 0.0) for c in outcome['checks']) / 1000:.3f}"


def render(report: dict[str, Any]) -> str:
    """The report as a JUnit XML document (testsuites > testsuite > testcase per requirement)."""
    outcomes = report["outcomes"]
    tally = {"failures": 0, "errors": 0, "skipped": 0}
    suite = ET.Element("testsuite", {"name": f"{report['profile']['id']} {report['profile']['version']}"})
    for outcome in outcomes:
        case = ET.SubElement(suite, "testcase", {
            "classname": f"{report['profile']['id']}.{outcome['level']}",
            "name": _x(f"{outcome['requirement_id']}: {outcome['title']}"),
            "time": _seconds(outcome),
        })
        status, reason = outcome["status"], outcome["reason"]
        if status == "fail":
            tally["failures"] += 1
            ET.SubElement(case, "failure", {"message": _x(reason), "type": "fail"}).text = _x(_details(outcome))
        elif status == "error":
            tally["errors"] += 1
            ET.SubElement(case, "error", {"message": _x(reason), "type": "error"}).text = _x(_details(outcome))
        elif status in ("skip", "not_applicable"):
            tally["skipped"] += 1
            ET.SubElement(case, "skipped", {"message": _x(f"{status_label(status)}: {reason}")})
        elif status in ("warn", "attested"):
            ET.SubElement(case, "system-out").text = _x(f"{status_label(status)}: {reason}")
    suite.set("tests", str(len(outcomes)))
    for key, value in tally.items():
        suite.set(key, str(value))
    suite.set("timestamp", report["run"]["started_at"])
    root = ET.Element("testsuites", {"name": "interopcheck", "tests": str(len(outcomes)),
                                     "failures": str(tally["failures"]), "errors": str(tally["errors"]),
                                     "skipped": str(tally["skipped"])})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _details(outcome: dict[str, Any]) -> str:
    """The failure body: each check's summary, then its findings with location or curl line."""
    lines = []
    for check in outcome["checks"]:
        lines.append(f"{check['check_id']}: {check['status']}: {check['summary']}")
        for finding in check.get("findings", []):
            where = ""
            if finding.get("location"):
                loc = finding["location"]
                where = f" at {loc['pointer']}" + (f" (line {loc['line']})" if loc.get("line") else "")
            lines.append(f"  - {finding['message']}{where}")
            if finding.get("exchange") and finding["exchange"].get("curl"):
                lines.append(f"    {finding['exchange']['curl']}")
    return "\n".join(lines)
