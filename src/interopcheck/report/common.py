"""Small helpers every renderer shares: outcome labels readable without colour, anchors, one-line text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# Text and a symbol for each status, so an outcome never depends on colour alone.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "pass": ("✓", "Pass"),
    "fail": ("✗", "Fail"),
    "warn": ("!", "Warning"),
    "skip": ("–", "Skipped"),
    "not_applicable": ("∅", "Not applicable"),
    "error": ("⚠", "Error"),
    "attested": ("✎", "Attested"),
}
STATUS_ORDER = ("fail", "error", "warn", "skip", "attested", "not_applicable", "pass")
VERDICT_LABELS: dict[str, str] = {
    "conformant": "Conformant",
    "not_conformant": "Not conformant",
    "incomplete": "Incomplete (verdict unknown)",
}


def status_label(status: str) -> str:
    """'✗ Fail' style label of a status."""
    symbol, text = STATUS_LABELS.get(status, ("?", status))
    return f"{symbol} {text}"


def anchor(requirement_id: str) -> str:
    """The HTML id of a requirement's details section, stable across runs and bidders."""
    return "req-" + re.sub(r"[^A-Za-z0-9_-]+", "-", requirement_id)


def one_line(text: str | None, limit: int = 240) -> str:
    """`text` squeezed onto one line and cut at `limit` characters with an ellipsis."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def findings_of(check: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """('finding' | 'evidence', finding) pairs of one check result, findings first."""
    for finding in check.get("findings", []):
        yield "finding", finding
    for finding in check.get("evidence", []):
        yield "evidence", finding


def unique_checks(report: dict[str, Any]) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """Each check result once, by ID, with the requirements that cite it (report order)."""
    seen: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for outcome in report["outcomes"]:
        for check in outcome["checks"]:
            entry = seen.setdefault(check["check_id"], (check, []))
            entry[1].append(outcome["requirement_id"])
    return seen


def declaration_summary(report: dict[str, Any]) -> str | None:
    """One sentence on how much of the standards' required fields the declaration maps (None without one)."""
    coverage = report.get("declaration_coverage")
    if not coverage or not coverage.get("required"):
        return None
    share = f" ({coverage['coverage']:.0%})" if isinstance(coverage.get("coverage"), (int, float)) else ""
    return f"The declaration maps {coverage['mapped']} of the {coverage['required']} fields the standards require{share}, over {len(coverage.get('entities', {}))} entities."


def coverage_rows(report: dict[str, Any]) -> list[list[Any]]:
    """Per declared entity: [entity, required fields, mapped, with compatible types, coverage %]."""
    entities = (report.get("declaration_coverage") or {}).get("entities", {})
    rows = []
    for name, e in entities.items():
        share = f"{e['coverage']:.0%}" if isinstance(e.get("coverage"), (int, float)) else "-"
        rows.append([name, e.get("required", "-"), e.get("mapped", "-"), e.get("compatible", "-"), share])
    return rows


def claims(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The outcomes the supplier's declaration claims something for, in report order."""
    return [o for o in report["outcomes"] if o.get("claimed")]


REQUIRED_FROM: dict[str, str] = {
    "flag": "--require-modules",
    "overlay": "the borough overlay",
    "default": "default: every module",
}
OFFERED_FROM: dict[str, str] = {
    "declaration": "the declaration",
    "default": "the declaration lists none: every module",
    "no declaration": "no declaration: every module",
}


def year_label(year: int | None) -> str:
    """2026 -> '2026/27' (a collection year by its start year); '-' when unknown."""
    return "-" if year is None else f"{year}/{(year + 1) % 100:02d}"


def _listed(ids: list[str]) -> str:
    return ", ".join(ids) or "none"


def modules_summary(modules: dict[str, Any]) -> str:
    """One line on the run's modules: required (and from where), offered, applicable."""
    required_from = REQUIRED_FROM.get(modules.get("required_from", ""), modules.get("required_from", ""))
    offered_from = OFFERED_FROM.get(modules.get("offered_from", ""), modules.get("offered_from", ""))
    return (
        f"required {_listed(modules.get('required', []))} ({required_from}); "
        f"offered {_listed(modules.get('offered', []))} ({offered_from}); "
        f"applicable {_listed(modules.get('applicable', []))}"
    )


def scope_rows(report: dict[str, Any]) -> list[list[str]]:
    """The report's scope as [item, value] rows: environment, validity, standards year and modules (none when absent)."""
    rows: list[list[str]] = []
    if report.get("environment"):  # what was tested and until when the report holds (profile 1.2.0, issue 15)
        rows.append(["Environment tested", str(report["environment"])])
    if report.get("valid_until"):
        rows.append(["Valid until", f"{report['valid_until']} (set by profile {report['profile']['id']} {report['profile']['version']})"])
    if report.get("standards_year") is not None:
        rows.append(["Standards year", year_label(report["standards_year"])])
    modules = report.get("modules")
    if modules:
        rows.append(["Modules required", f"{_listed(modules.get('required', []))} ({REQUIRED_FROM.get(modules.get('required_from', ''), modules.get('required_from', ''))})"])
        rows.append(["Modules offered", f"{_listed(modules.get('offered', []))} ({OFFERED_FROM.get(modules.get('offered_from', ''), modules.get('offered_from', ''))})"])
        rows.append(["Modules applicable", _listed(modules.get("applicable", []))])
        rows.append(["Entities in scope", _listed(modules.get("entities", []))])
        for item in modules.get("not_applicable", []):
            rows.append([f"Module {item['module']}", f"not applicable: {item['reason']}"])
    return rows


def preflight_cause(report: dict[str, Any]) -> str | None:
    """The set-up mistake the live preflight found (None when it passed or did not run): every report's first line."""
    preflight = (report.get("summary") or {}).get("preflight") or {}
    return None if preflight.get("ok", True) else f"Not tested: {preflight.get('cause') or 'the sandbox could not be used'}"


def shared_cause_line(cause: dict[str, Any], statuses: dict[str, str]) -> str:
    """'30 requirements could not be decided: the token endpoint refused the client credentials' for one shared cause."""
    kinds = {statuses.get(r) for r in cause["requirement_ids"]}
    verb = "could not be decided" if kinds == {"error"} else "failed" if kinds <= {"fail", "warn"} else "failed or could not be decided"
    return f"{cause['count']} requirements {verb}: {cause['cause']}"


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The plain lines right under the verdict: the score with how much was decided, then each shared cause once."""
    from interopcheck.scoring import score_text

    summary = report.get("summary")
    if not summary:  # a report written before the summary member: the score alone
        return [f"Score {report['score']['value']}"]
    statuses = {o["requirement_id"]: o["status"] for o in report["outcomes"]}
    text = score_text(report["score"]["value"], summary)
    lines = [text[0].upper() + text[1:]]
    lines += [shared_cause_line(c, statuses) for c in summary.get("shared_causes", [])]
    return lines
