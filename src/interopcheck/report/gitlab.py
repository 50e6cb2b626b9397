"""GitLab Code Quality report: the JSON array a `codequality` artefact holds, shown in merge requests.

Each failing check's findings become issues with GitLab's documented fields (description,
check_name, fingerprint, severity, location.path, location.lines.begin). Static findings sit on
their line of the API description; live and export findings are not in a file, so they sit on its
first line (or the declaration's, when the description is a URL) with the request in the text.
Fingerprints hash what the finding is, never when it was found, so GitLab can tell a merge
request's new issues from the target branch's old ones.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from interopcheck.report.common import one_line, unique_checks
from interopcheck.report.github import annotation_path

#: GitLab severities by requirement level, for a failing check; a check that errored is `info`.
_SEVERITY = {"MUST": "critical", "SHOULD": "minor", "MAY": "info"}


def _strongest(levels: list[str]) -> str:
    return next((lv for lv in ("MUST", "SHOULD", "MAY") if lv in levels), "MAY")


def _fallback_path(report: dict[str, Any], workspace: str | None) -> str:
    """The file unlocated issues sit on: the local API description, else the local declaration, else the URL's file name."""
    run = report["run"]
    for source in (run["spec_source"], run.get("declaration_source")):
        path = annotation_path(source, workspace)
        if path:
            return path
    name = PurePosixPath(urlsplit(run["spec_source"] or "").path).name
    return name or "openapi.yaml"


def _issue(check_id: str, reqs: list[str], level: str, severity: str, message: str, finding: dict[str, Any] | None,
           report: dict[str, Any], workspace: str | None) -> dict[str, Any]:
    """One Code Quality issue (without its fingerprint)."""
    path, line, where, pointer = _fallback_path(report, workspace), 1, "", None
    if finding is not None:
        loc = finding.get("location")
        if loc:
            pointer = loc["pointer"]
            located = annotation_path(loc.get("file") or report["run"]["spec_source"], workspace)
            if located:
                path, line = located, loc.get("line") or 1
            else:
                where = f" (at {loc['pointer']})"
        exchange = finding.get("exchange")
        if exchange:
            req = exchange["request"]
            status = f" -> {exchange['response']['status']}" if exchange.get("response") else ""
            where += f" [{req['method']} {req['url']}{status}]"
    if path.startswith("./"):
        path = path[2:]
    return {
        "description": one_line(f"{', '.join(reqs)} ({level}) {check_id}: {message}{where}", 1000),
        "check_name": check_id,
        "severity": severity,
        "location": {"path": path, "lines": {"begin": line}},
        "_key": [check_id, path, pointer, message],
    }


def render(report: dict[str, Any], *, workspace: str | None = None) -> str:
    """The report as a GitLab Code Quality JSON array.

    `workspace` is the folder paths are made relative to; None means `$CI_PROJECT_DIR` (when set).
    """
    workspace = workspace or os.environ.get("CI_PROJECT_DIR") or None
    levels = {o["requirement_id"]: o["level"] for o in report["outcomes"]}
    issues: list[dict[str, Any]] = []
    for check_id, (check, reqs) in unique_checks(report).items():
        status = check["status"]
        if status not in ("fail", "warn", "error"):
            continue
        level = _strongest([levels[r] for r in reqs])
        if status == "error":
            issues.append(_issue(check_id, reqs, level, "info", f"could not be decided: {check['summary']}", None, report, workspace))
            continue
        severity = _SEVERITY[level] if status == "fail" else "info"
        for finding in check.get("findings") or [None]:
            message = finding["message"] if finding else check["summary"]
            issues.append(_issue(check_id, reqs, level, severity, message, finding, report, workspace))
    seen: dict[str, int] = {}
    for issue in issues:
        # Not the line: an issue that only moved is the same issue. The same finding twice gets a distinct
        # fingerprint, since GitLab keeps only one issue per fingerprint.
        key = json.dumps(issue.pop("_key"), ensure_ascii=False)
        seen[key] = seen.get(key, 0) + 1
        issue["fingerprint"] = hashlib.sha256(f"{key}#{seen[key]}".encode()).hexdigest()
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
