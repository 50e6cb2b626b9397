"""SARIF 2.1.0 report: one rule per check, one result per problem, located in the spec file when static.

Code-scanning tools (GitHub, Azure DevOps) show static findings on the API description's lines;
live and export findings carry their request and curl line in the result's properties.
Checks that errored become tool execution notifications, not results, since they found nothing.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote, urlsplit

from interopcheck.report.common import one_line, unique_checks

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"fail": "error", "warn": "warning"}


SRCROOT = "%SRCROOT%"


def _artifact(source: str | None, root: Path) -> dict[str, str] | None:
    """A SARIF artifactLocation for a spec path or URL.

    Paths are made relative to `root` (the directory the run started in, the checkout in CI) with
    uriBaseId %SRCROOT%, so code-scanning views can place results on the file; URLs and paths
    outside the root stay absolute.
    """
    if not source:
        return None
    if urlsplit(source).scheme in ("http", "https", "file"):
        return {"uri": source}
    path = PurePath(source)
    if path.is_absolute():
        try:
            path = Path(path).relative_to(root.resolve())
        except ValueError:
            return {"uri": "file://" + quote(path.as_posix())}
    return {"uri": quote(path.as_posix()), "uriBaseId": SRCROOT}


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


def _location(finding: dict[str, Any], spec: dict[str, str] | None, root: Path) -> list[dict[str, Any]]:
    """The SARIF location of a finding: spec file and line when known, JSON pointer always."""
    loc = finding.get("location")
    if not loc:
        return []
    artifact = _artifact(loc.get("file"), root) or spec
    located: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": loc["pointer"], "kind": "member"}]}
    if artifact:
        physical: dict[str, Any] = {"artifactLocation": dict(artifact)}
        if loc.get("line"):
            physical["region"] = {"startLine": loc["line"]}
        located = {"physicalLocation": physical, **located}
    return [located]


def _result(check_id: str, index: int, status: str, message: str, finding: dict[str, Any] | None,
            spec: dict[str, str] | None, root: Path, requirements: list[str]) -> dict[str, Any]:
    """One SARIF result for a finding (or a check without findings), with its request evidence."""
    result: dict[str, Any] = {
        "ruleId": check_id,
        "ruleIndex": index,
        "level": _LEVELS[status],
        "message": {"text": message or check_id},
    }
    props: dict[str, Any] = {"requirements": requirements}
    if finding is not None:
        locations = _location(finding, spec, root)
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


def render(report: dict[str, Any], root: Path | None = None) -> str:
    """The report as a SARIF 2.1.0 log with one run; spec paths relative to `root` (default: the working directory)."""
    run_info = report["run"]
    root = root or Path.cwd()
    spec = _artifact(run_info["spec_source"], root)
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
            results.append(_result(check_id, index, level_status, message, finding, spec, root, reqs))
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
    if any(loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uriBaseId") for r in results for loc in r.get("locations", [])) \
            or (spec or {}).get("uriBaseId"):
        sarif_run["originalUriBaseIds"] = {SRCROOT: {"description": {"text": "The repository root: the directory interopcheck ran in."}}}
    if spec:
        sarif_run["artifacts"] = [{"location": dict(spec), "roles": ["analysisTarget"],
                                   **({"hashes": {"sha-256": run_info["spec_sha256"]}} if run_info["spec_sha256"] else {})}]
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [sarif_run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
