"""GitHub Actions output: workflow-command annotations and the job's step summary.

Annotations are lines such as `::error file=openapi.yaml,line=7,title=HSG-API-01::message` that a
step prints to stdout; GitHub shows them on the run and, for files in the repository, on the
pull request's lines. A failing check cited by a MUST is an `error`, anything else worth seeing
(a SHOULD or MAY that fails, a check that could not be decided) a `warning`, and the verdict a
`notice`. GitHub shows only the first 10 annotations of each kind per step (50 per job), so every
failing check's first finding comes before any check's second. Escaping follows GitHub's toolkit
(`@actions/core` command.ts): `%`, CR and LF in the message; also `:` and `,` in properties, since
they separate properties.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from interopcheck.errors import ReportError
from interopcheck.report import markdown
from interopcheck.report.common import VERDICT_LABELS, unique_checks
from interopcheck.scoring import score_text

#: Annotations per check; the rest are counted in one more line (GitHub shows only the first few per step anyway).
MAX_PER_CHECK = 50
#: GitHub refuses a step summary over 1 MiB; a longer report is replaced by a pointer to the files.
MAX_SUMMARY_BYTES = 1024 * 1024 - 1024


def escape_data(text: str) -> str:
    """A workflow command's message, escaped so it stays one command on one line."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, escaped like a message and also for `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: str | int | None) -> str:
    """One workflow command line; properties that are None are left out."""
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def annotation_path(source: str | None, workspace: str | None) -> str | None:
    """The file an annotation names: relative to `workspace` when inside it; None for URLs (GitHub cannot place those)."""
    if not source:
        return None
    parts = urlsplit(source)
    if parts.scheme in ("http", "https"):
        return None
    path = unquote(parts.path) if parts.scheme == "file" else source
    if workspace and os.path.isabs(path):
        try:
            return PurePosixPath(path).relative_to(PurePosixPath(workspace)).as_posix()
        except ValueError:
            return path
    return PurePosixPath(path).as_posix() if not os.path.isabs(path) else path


def _located(check_id: str, finding: dict[str, Any], spec_source: str | None, workspace: str | None) -> tuple[str, dict[str, Any]]:
    """A finding's message (with its pointer when no file can carry it, and its request) and file/line properties."""
    message = f"{check_id}: {finding['message']}"
    loc = finding.get("location")
    props: dict[str, Any] = {}
    if loc:
        path = annotation_path(loc.get("file") or spec_source, workspace)
        if path:
            props = {"file": path, "line": loc.get("line")}
        else:
            message += f" (at {loc['pointer']})"
    exchange = finding.get("exchange")
    if exchange:
        req = exchange["request"]
        status = f" -> {exchange['response']['status']}" if exchange.get("response") else ""
        message += f" [{req['method']} {req['url']}{status}]"
    return message, props


def render(report: dict[str, Any], *, workspace: str | None = None) -> str:
    """The report as workflow commands, one per line: failing checks' findings, then the verdict.

    `workspace` is the folder paths are made relative to; None means `$GITHUB_WORKSPACE` (when set).
    """
    workspace = workspace or os.environ.get("GITHUB_WORKSPACE") or None
    spec_source = report["run"]["spec_source"]
    levels = {o["requirement_id"]: o["level"] for o in report["outcomes"]}
    groups: list[list[str]] = []  # per failing check, its annotations
    for check_id, (check, reqs) in unique_checks(report).items():
        status = check["status"]
        if status not in ("fail", "warn", "error"):
            continue
        must = any(levels[r] == "MUST" for r in reqs)
        title = ", ".join(reqs)
        group: list[str] = []
        groups.append(group)
        if status == "error":
            text = f"{check_id} could not be decided: {check['summary']}"
            group.append(command("error" if must else "warning", text, title=title))
            continue
        kind = "error" if must and status == "fail" else "warning"
        findings = check.get("findings") or []
        if not findings:
            group.append(command(kind, f"{check_id}: {check['summary']}", title=title))
        for finding in findings[:MAX_PER_CHECK]:
            message, props = _located(check_id, finding, spec_source, workspace)
            group.append(command(kind, message, **props, title=title))
        if len(findings) > MAX_PER_CHECK:
            rest = len(findings) - MAX_PER_CHECK
            group.append(command(kind, f"{check_id}: {rest} more findings (see the report)", title=title))
    lines = [group[0] for group in groups] + [line for group in groups for line in group[1:]]
    counts = report["counts"]
    verdict = VERDICT_LABELS.get(report["verdict"], report["verdict"])
    lines.append(command(
        "notice",
        f"{verdict} — {counts['musts_failed']} of {counts['musts_total']} MUSTs failed; {score_text(report['score']['value'], report.get('summary'))}",
        title="interopcheck verdict",
    ))
    return "\n".join(lines) + "\n"


def step_summary(report: dict[str, Any]) -> str:
    """The Markdown report for `$GITHUB_STEP_SUMMARY`, replaced by a short note when over GitHub's size limit."""
    text = markdown.render(report)
    if len(text.encode("utf-8")) <= MAX_SUMMARY_BYTES:
        return text
    verdict = VERDICT_LABELS.get(report["verdict"], report["verdict"])
    score = score_text(report["score"]["value"], report.get("summary"))
    return (f"# interopcheck: {verdict}\n\n{score[0].upper()}{score[1:]}. The full report is longer than a step "
            "summary may be (1 MiB); read report.md or report.html among the run's files.\n")


def append_step_summary(report: dict[str, Any], path: Path) -> Path:
    """Append the Markdown report to the step summary file `path` in one write (earlier steps' text is kept)."""
    data = ("\n" + step_summary(report)).encode("utf-8")
    try:
        with open(path, "ab") as handle:
            handle.write(data)
    except OSError as exc:
        raise ReportError(f"cannot append to the step summary {path}: {exc.strerror or exc}",
                          hint="check GITHUB_STEP_SUMMARY, or pass --no-step-summary") from exc
    return Path(path)

