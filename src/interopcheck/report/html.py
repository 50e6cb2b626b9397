"""Self-contained HTML report: inline CSS, no scripts, nothing fetched; summary first, then evidence.

Rendered with Jinja2 autoescaping, so supplier text (finding messages, response bodies) can never
become markup; bulky element text goes through `text()`, which escapes only what element text needs.
Outcomes carry a symbol and a word, never colour alone, and print to A4 within a board pack's pages:
each check and each HTTP exchange is shown once (`report.evidence`), exchanges fold away in print.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from interopcheck.report.common import (
    STATUS_LABELS,
    STATUS_ORDER,
    VERDICT_LABELS,
    anchor,
    claims,
    coverage_rows,
    declaration_summary,
    one_line,
    preflight_cause,
    scope_rows,
    status_label,
    summary_lines,
)
from interopcheck.report.evidence import (
    check_anchor,
    collect,
    data_text,
    failed_musts,
    failures_first,
    finding_anchor,
    record_problems,
)
from interopcheck.report.measures_table import CAPTION as MEASURES_CAPTION, HEADERS as MEASURE_HEADERS, measure_rows

_VERDICT_SYMBOLS = {"conformant": "✓", "not_conformant": "✗", "incomplete": "?"}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The Jinja2 environment: package templates, autoescaping on, undefined names are errors."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("interopcheck.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def metadata_rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    """The run metadata as (label, value) rows: tool, profile and its hash, spec hash, sandbox, seed, times."""
    run, profile = report["run"], report["profile"]
    return [
        ("Tool", f"{run['tool']} {run['tool_version']}"),
        ("Profile", f"{profile['id']} {profile['version']}"),
        ("Profile sha256", profile["sha256"]),
        ("Profile files", ", ".join(profile["files"]) or "-"),
        ("Spec", run["spec_source"] or "-"),
        ("Spec sha256", run["spec_sha256"] or "-"),
        ("Sandbox URL", run["base_url"] or "not tested live"),
        ("Declaration", run["declaration_source"] or "-"),
        ("Declaration sha256", run["declaration_sha256"] or "-"),
        ("Seed", str(run["seed"])),
        ("Writes allowed", "yes" if run["writes_allowed"] else "no"),
        ("Started", run["started_at"]),
        ("Finished", run["finished_at"]),
    ]


def text(value: Any) -> Markup:
    """`value` escaped for element text (not attributes): only &, < and >, so JSON bodies keep their quotes unbloated."""
    raw = "" if value is None else str(value)
    return Markup(raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def render(report: dict[str, Any]) -> str:
    """The report as one self-contained, accessible HTML document."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        run=report["run"],
        profile=report["profile"],
        counts=report["counts"],
        score=report["score"],
        verdict_label=VERDICT_LABELS.get(report["verdict"], report["verdict"]),
        verdict_symbol=_VERDICT_SYMBOLS.get(report["verdict"], "?"),
        status_order=[s for s in STATUS_ORDER if s in STATUS_LABELS],
        label=status_label,
        anchor=anchor,
        one_line=one_line,
        summary_lines=summary_lines(report),
        failed_musts=failed_musts(report),
        ordered=failures_first(report),
        evidence=collect(report),
        check_anchor=check_anchor,
        finding_anchor=finding_anchor,
        record_problems=record_problems,
        data_text=data_text,
        text=text,
        metadata=metadata_rows(report),
        declaration_summary=declaration_summary(report),
        coverage_rows=coverage_rows(report),
        claims=claims(report),
        scope=scope_rows(report),
        preflight_cause=preflight_cause(report),
        measure_rows=measure_rows(report),
        measures_headers=MEASURE_HEADERS,
        measures_caption=MEASURES_CAPTION,
    )
