"""SARIF 2.1.0 report: one rule per check, one result per problem, located in the spec file when static.

Code-scanning tools (GitHub, Azure DevOps) show static findings on the API description's lines;
live and export findings carry their request and curl line in the result's properties.
Checks that errored become tool execution notifications, not results, since they found nothing.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote, urlsplit

from interopcheck.report.common import one_line, unique_checks

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"fail": "error", "warn": "warning"}


def _uri(source: str | None) -> str | None:
    """A SARIF uri-reference for a spec path or URL (relative paths kept relative for code scanning)."""
    if not source:
        return None
    if urlsplit(source).scheme in ("http", "https", "file"):
        return source
    path = PurePath(source)
    if path.is_absolute():
        return "file://" + quote(path.as_posix())
    return quote(path.as_posix())


def _rule(check_id: str, requirements: list[str], levels: dict[str, str]) -> dict[str, Any]:
    """The SARIF rule of one check, naming the requirements it decides."""
    return {
        "id": check_id,
        "name": check_id.replace(".", "/"),
        "shortDescription": {"text": check_id},
        "fullDescription": {"text": f"Decides {', '.join(requirements)}."},
        "defaultConfiguration": {"level": "error" if "MUST" in levels.values() else "warning"},
        "properties": {"requirements": requirements},
    }


def _location(finding: dict[str, Any], spec_uri: str | None) -> list[dict[str, Any]]:
    """The SARIF location of a finding: spec file and line when known, JSON pointer always."""
    loc = finding.get("location")
    if not loc:
        return []
    uri = _uri(loc.get("file")) or spec_uri
    located: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": loc["pointer"], "kind": "member"}]}
    if uri:
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
        if loc.get("line"):
            physical["region"] = {"startLine": loc["line"]}
        located = {"physicalLocation": physical, **located}
    return [located]


def _result(check_id: str, index: int, status: str, message: str, finding: dict[str, Any] | None,
            spec_uri: str | None, requirements: list[str]) -> dict[str, Any]:
    """One SARIF result for a finding (or a check without findings), with its request evidence."""
    result: dict[str, Any] = {
        "ruleId": check_id,
        "ruleIndex": index,
        "level": _LEVELS[status],
        "message": {"text": message or check_id},
    }
    props: dict[str, Any] = {"requirements": requirements}
    if finding is not None:
        locations = _location(finding, spec_uri)
        if locations:
            result["locations"] = locations
        exchange = finding.get("exchange")
        if exchange:
            req = exchange["request"]
            props["request"] = f"{req['method']} {req['url']}"
            if exchange.get("response"):
                props["responseStatus"] = exchange["response"]["status"]
            if exchange.get("curl"):
                props["curl"] = exchange["curl"]
        if finding.get("data"):
            props["data"] = json.loads(json.dumps(finding["data"], default=str))
    result["properties"] = props
    return result


def render(report: dict[str, Any]) -> str:
    """The report as a SARIF 2.1.0 log with one run."""
    run_info = report["run"]
    spec_uri = _uri(run_info["spec_source"])
    levels = {o["requirement_id"]: o["level"] for o in report["outcomes"]}
    checks = unique_checks(report)
    rules, results, notifications = [], [], []
    for index, (check_id, (check, reqs)) in enumerate(checks.items()):
        rules.append(_rule(check_id, reqs, {r: levels[r] for r in reqs}))
        status = check["status"]
        if status == "error":
            notifications.append({"level": "error", "message": {"text": one_line(check["summary"], 1000) or check_id},
                                  "descriptor": {"id": check_id, "index": index}})
            continue
        if status not in ("fail", "warn"):
            continue
        # A failing check cited only by SHOULD/MAY requirements is a warning, whatever the check said.
        level_status = "fail" if any(levels[r] == "MUST" for r in reqs) else "warn"
        findings = check.get("findings") or [None]
        for finding in findings:
            message = finding["message"] if finding else check["summary"]
            results.append(_result(check_id, index, level_status, message, finding, spec_uri, reqs))
    invocation: dict[str, Any] = {
        "executionSuccessful": not notifications,
        "startTimeUtc": run_info["started_at"],
        "endTimeUtc": run_info["finished_at"],
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    sarif_run: dict[str, Any] = {
        "tool": {"driver": {
            "name": run_info["tool"],
            "version": run_info["tool_version"],
            "rules": rules,
        }},
        "invocations": [invocation],
        "results": results,
        "properties": {
            "profile": report["profile"],
            "verdict": report["verdict"],
            "score": report["score"]["value"],
            "specSha256": run_info["spec_sha256"],
            "baseUrl": run_info["base_url"],
        },
    }
    if spec_uri:
        sarif_run["artifacts"] = [{"location": {"uri": spec_uri}, "roles": ["analysisTarget"],
                                   **({"hashes": {"sha-256": run_info["spec_sha256"]}} if run_info["spec_sha256"] else {})}]
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [sarif_run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
