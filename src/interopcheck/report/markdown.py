"""Markdown report, fit for a GitHub step summary or a tender annex; every table cell is escaped.

Supplier-controlled text (finding messages, titles, URLs) may hold pipes, HTML, backticks or
newlines, so each cell goes through `cell()` before it reaches a table.
"""

from __future__ import annotations

from typing import Any

from interopcheck.report.common import (
    STATUS_ORDER,
    VERDICT_LABELS,
    claims,
    coverage_rows,
    declaration_summary,
    one_line,
    preflight_cause,
    scope_rows,
    status_label,
    summary_lines,
)
from interopcheck.report.evidence import collect, failed_musts, failures_first, record_problems, where_text
from interopcheck.report.measures_table import CAPTION as MEASURES_CAPTION, HEADERS as MEASURE_HEADERS, measure_rows

_ESCAPES = str.maketrans({
    "\\": "\\\\",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "\\|",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    # C0/C1 controls but tab and newline, and DEL: an ESC from a spec or sandbox must not drive a terminal that shows the file
    **{chr(c): None for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0))},
})


def cell(value: Any) -> str:
    """`value` as safe Markdown table-cell text: escaped, newlines turned into <br>."""
    text = "" if value is None else str(value)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(line.translate(_ESCAPES) for line in lines)


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table whose cells are all escaped by `cell()`."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return out


def render(report: dict[str, Any]) -> str:
    """The whole report as Markdown text (summary, requirements, problems, run metadata)."""
    run, profile, counts, score = report["run"], report["profile"], report["counts"], report["score"]
    out = [f"# Interoperability conformance report: {cell(VERDICT_LABELS.get(report['verdict'], report['verdict']))}", ""]
    cause = preflight_cause(report)
    out = [f"**{cell(cause)}**", "", *out] if cause else out  # a set-up mistake is the first thing read
    out += _regressions(report)
    out += [
        f"- **Verdict:** {cell(VERDICT_LABELS.get(report['verdict'], report['verdict']))}",
        # ev-preflight's block (report/common.py: summary_lines) goes right under the verdict.
        *(f"- {cell(line)}" for line in summary_lines(report)),
        *_failed_musts(report, counts["musts_total"]),
        f"- **MUSTs failed:** {counts['musts_failed']} of {counts['musts_total']}",
        f"- **How the score is computed:** {cell(score['formula'])}",  # the score itself is in the summary line above
        f"- **Profile:** {cell(profile['id'])} {cell(profile['version'])} (sha256 {cell(profile['sha256'])})",
        *(f"- **{k}:** {cell(v)}" for k, v in scope_rows(report)),
        "",
        "## Outcomes by status",
        "",
    ]
    by_status = counts["by_status"]
    out += _table(["Outcome", "Requirements"], [[status_label(s), by_status.get(s, 0)] for s in STATUS_ORDER])
    out += ["", "## Not tested", ""]
    if report["not_tested"]:
        out += _table(
            ["Requirement", "Outcome", "Why"],
            [[n.get("requirement_id"), status_label(n.get("status", "skip")), one_line(n.get("reason"))] for n in report["not_tested"]],
        )
    else:
        out.append("Every requirement was tested.")
    out += ["", "## Requirements", ""]
    if any(o.get("since") for o in report["outcomes"]):  # profile 1.2.0 and later: the version each requirement came in
        out += _table(
            ["ID", "Requirement", "Level", "Since", "Outcome", "Reason"],
            [[o["requirement_id"], o["title"], o["level"], o.get("since") or "-", status_label(o["status"]), one_line(o["reason"])] for o in failures_first(report)],
        )
    else:
        out += _table(
            ["ID", "Requirement", "Level", "Outcome", "Reason"],
            [[o["requirement_id"], o["title"], o["level"], status_label(o["status"]), one_line(o["reason"])] for o in failures_first(report)],
        )
    out += _measures(report)
    out += _declaration(report)
    out += _problems(report)
    out += ["", "## Run", ""]
    out += _table(["Item", "Value"], _metadata_rows(run, profile) + _settings_rows(report))
    return "\n".join(out) + "\n"


def _measures(report: dict[str, Any]) -> list[str]:
    """The regulatory measures table, when the report carries measures."""
    rows = measure_rows(report)
    return ["", "## Regulatory measures", "", cell(MEASURES_CAPTION), "", *_table(MEASURE_HEADERS, rows)] if rows else []


def _regressions(report: dict[str, Any]) -> list[str]:
    """'Since the previous run', first: what regressed (and improved) since the history's earlier run of this supplier and profile."""
    reg = report.get("regressions")
    if not reg:
        return []
    since, regressed = reg["since"], reg["regressed"]
    musts = f", {reg['musts_regressed']} of them MUSTs now failing" if reg["musts_regressed"] else ""
    out = [
        f"## Since the previous run: {len(regressed)} regression{'s' if len(regressed) != 1 else ''}{musts}",
        "",
        f"Compared with run {since['run_id']} of {cell(reg['supplier'])} recorded {cell(since['recorded_at'])} "
        f"(verdict {cell(VERDICT_LABELS.get(since['verdict'], since['verdict']))}, score {since['score']})"
        + ("; the API description has changed since then." if reg["spec_changed"] else "."),
        "",
    ]
    for title, rows in (("Regressed: met then, not met now", regressed), ("Improved: not met then, met now", reg["improved"])):
        if rows:
            out += [f"**{title}**", ""]
            out += _table(
                ["Requirement", "Level", "Then", "Now", "Why now"],
                [[c["requirement_id"], c["level"], status_label(c["before"]) if c["before"] else "absent",
                  status_label(c["after"]) if c["after"] else "absent", one_line(c["reason"])] for c in rows],
            )
            out.append("")
    if not regressed and not reg["improved"]:
        out += ["No requirement regressed or improved.", ""]
    return out


def _declaration(report: dict[str, Any]) -> list[str]:
    """The 'Claimed and demonstrated' section: the declaration's coverage, then each claim beside what the run showed."""
    summary, claimed = declaration_summary(report), claims(report)
    if summary is None and not claimed:
        return []
    out = ["", "## Declaration: claimed and demonstrated", ""]
    if summary is not None:
        out += [cell(summary), "", *_table(["Entity", "Required fields", "Mapped", "Compatible types", "Coverage"], coverage_rows(report)), ""]
    if claimed:
        out += _table(
            ["Requirement", "Outcome", "Claimed by the supplier", "Demonstrated"],
            [[o["requirement_id"], status_label(o["status"]), one_line(o["claimed"]), one_line(o["reason"])] for o in claimed],
        )
    return out


def _failed_musts(report: dict[str, Any], total: int) -> list[str]:
    """The failed MUSTs as a nested list under the verdict: ID, title and the plain-language reason."""
    failed = failed_musts(report)
    if not failed:
        return []
    return [f"- **Failed MUSTs ({len(failed)} of {total}):**",
            *(f"  - {cell(o['requirement_id'])} **{cell(o['title'])}**: {cell(one_line(o['reason']))}" for o in failed)]


def _problems(report: dict[str, Any]) -> list[str]:
    """The 'Problems found' section: one row per finding of a failed or errored check, each check once.

    A finding names the offending record and field (or spec location, or request) rather than
    repeating a response body; the bodies are in report.json and the evidence bundle.
    """
    rows: list[list[Any]] = []
    unmet = {o["requirement_id"] for o in report["outcomes"] if o["status"] in ("fail", "warn", "error")}
    for check, requirements in collect(report).checks:
        # A check cited only by requirements out of scope (not applicable) is no problem of this bid.
        if check["status"] not in ("fail", "error") or not unmet & set(requirements):
            continue
        for finding in check.get("findings", []):
            _, fields = record_problems(finding)
            if fields:  # the record and its fields say it all; the request it came from is where
                exchange = finding.get("exchange")
                where = f"{exchange['request']['method']} {exchange['request']['url']}" if exchange else ""
                rows.append([", ".join(requirements), check["check_id"], where_text(finding), where])
            else:
                rows.append([", ".join(requirements), check["check_id"], one_line(finding["message"], 400), where_text(finding)])
    if not rows:
        return []
    return ["", "## Problems found", "", *_table(["Requirement", "Check", "Finding", "Where"], rows)]


def _metadata_rows(run: dict[str, Any], profile: dict[str, Any]) -> list[list[Any]]:
    """The run metadata rows: tool, profile, hashes, sandbox, seed and times."""
    return [
        ["Tool", f"{run['tool']} {run['tool_version']}"],
        ["Profile", f"{profile['id']} {profile['version']}"],
        ["Profile sha256", profile["sha256"]],
        ["Spec", run["spec_source"] or "-"],
        ["Spec sha256", run["spec_sha256"] or "-"],
        ["Sandbox", run["base_url"] or "not tested live"],
        ["Declaration", run["declaration_source"] or "-"],
        ["Seed", run["seed"]],
        ["Writes allowed", "yes" if run["writes_allowed"] else "no"],
        ["Started", run["started_at"]],
        ["Finished", run["finished_at"]],
    ]


_SOURCE_WORDS = (("flag", "command line"), ("env", "environment (INTEROPCHECK_*)"), ("config", "config file"))


def _settings_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One row per place settings came from other than the defaults: the options set there (values are in report.json)."""
    settings = report.get("settings")
    if not settings:
        return []
    rows = []
    for source, words in _SOURCE_WORDS:
        keys = [k for k, v in settings["options"].items() if v["source"] == source]
        if keys:
            where = f"{words} {settings['config_file']}" if source == "config" else words
            rows.append([f"Settings from the {where}", ", ".join(keys)])
    return rows or [["Settings", "all defaults"]]
