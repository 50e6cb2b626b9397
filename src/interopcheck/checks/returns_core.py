"""`returns.core-lettings`: the CORE lettings log the system produces, checked row by row against CORE and reconciled with the API.

The declared return (`returns.core_lettings`) is downloaded for the run's collection year and read
the way CORE's bulk upload reads it; every row is checked against the answer options of the coded
columns and the CORE validation rules bundled in standards/returns/core-lettings-bulk-upload-YYYY.json
(each finding names the row, the field, the value and the rule with its path and line in the CORE
source). Then lettings in the year are reconciled with the tenancies the API serves that start in
the year.
"""

from __future__ import annotations

from collections import Counter

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.checks.returns_common import NEEDS, api_records, collection_year, download
from interopcheck.errors import StandardsError
from interopcheck.model import Finding
from interopcheck.returns.core_csv import parse_core_csv
from interopcheck.returns.core_reconcile import Reconciliation, reconcile_lettings
from interopcheck.returns.core_rules import RowProblem, validate_row
from interopcheck.returns.core_spec import CoreSpec, load_core_spec

MAX_ROW_FINDINGS = 100
MAX_NAMED = 20


def _row_finding(spec: CoreSpec, p: RowProblem, exchange: object) -> Finding:
    """The finding of one broken rule: row, CSV record, field and question, value, message, rule and citation."""
    column = f"field {p.field} ({spec.column(p.field).question})" if p.field else "the row"
    return Finding(
        f"row {p.row} (CSV record {p.record}), {column}, value {p.value!r}: {p.message} [CORE rule {p.rule}: {p.cite}]",
        exchange=exchange,  # type: ignore[arg-type]
        data={"row": p.row, "record": p.record, "field": p.field, "value": p.value, "rule": p.rule, "cite": p.cite},
    )


def _reconcile_findings(year_label: str, r: Reconciliation) -> list[Finding]:
    """What the reconciliation found wrong, one finding per kind (ids named, the first 20)."""
    out = []
    if r.expected != r.listed:
        out.append(Finding(f"the return lists {r.listed} lettings but the API serves {r.expected} tenancies starting in {year_label}", data={"return": r.listed, "api": r.expected}))
    if r.missing:
        out.append(Finding(f"{len(r.missing)} tenancies starting in {year_label} have no row (tenant code): {', '.join(r.missing[:MAX_NAMED])}", data={"missing": list(r.missing[:500])}))
    if r.extra:
        out.append(Finding(f"{len(r.extra)} rows name tenancies that do not start in {year_label}: {', '.join(r.extra[:MAX_NAMED])}", data={"extra": list(r.extra[:500])}))
    if r.repeated:
        out.append(Finding(f"{len(r.repeated)} tenant codes are on more than one row: {', '.join(r.repeated[:MAX_NAMED])}", data={"repeated": list(r.repeated[:500])}))
    for tid, written, actual in r.wrong_dates[:MAX_NAMED]:
        out.append(Finding(f"tenancy {tid}: the return gives start date {written}, the API {actual}", data={"tenancy": tid, "return": written, "api": actual}))
    return out


@check("returns.core-lettings", title="The CORE lettings log of the collection year follows CORE's answers and rules and lists every new tenancy", family="returns", needs=NEEDS)
def returns_core_lettings(ctx: CheckContext) -> Decision:
    """Download the declared CORE lettings log for the run's collection year; validate every row; reconcile lettings with tenancies starting in the year."""
    assert ctx.declaration is not None
    decl = ctx.declaration.returns.get("core_lettings")
    if not decl:
        return failed("no CORE lettings log is declared (returns.core_lettings)", [Finding("the declaration has no returns.core_lettings {url, year_param}")])
    year = collection_year(ctx)
    try:
        spec = load_core_spec(year)
    except StandardsError as exc:
        return skipped(str(exc))
    got = download(ctx, decl, "year_param", "year", str(year), accept="text/csv, */*;q=0.1")
    if got.response is None:
        assert got.finding is not None
        return failed(got.finding.message, [got.finding]) if got.supplier_fault else errored(got.finding.message, [got.finding])
    resp = got.response
    parsed = parse_core_csv(resp.text(), spec)
    findings = [Finding(f"the file's layout: {p}", exchange=resp.exchange) for p in parsed.problems]
    problems = [p for row in parsed.rows for p in validate_row(spec, row)]
    findings += [_row_finding(spec, p, resp.exchange) for p in problems[:MAX_ROW_FINDINGS]]
    if len(problems) > MAX_ROW_FINDINGS:
        by_rule = Counter(p.rule for p in problems[MAX_ROW_FINDINGS:])
        findings.append(Finding(f"{len(problems) - MAX_ROW_FINDINGS} more rule failures not listed: " + ", ".join(f"{rule} {n}" for rule, n in by_rule.most_common())))
    evidence = [Finding(
        f"{len(parsed.rows)} lettings rows for {spec.label} read from {resp.url}; each checked against the answer options of {sum(1 for c in spec.columns if c.options)} coded columns "
        f"and {len(spec.rules)} CORE rules ({', '.join(spec.rules)}) read from communitiesuk/submit-social-housing-lettings-and-sales-data @ {spec.commit[:12]}",
        exchange=resp.exchange,
    )]
    tenancies = api_records(ctx, "tenancy")
    if tenancies.incomplete:
        note = f"lettings not reconciled with the API: {tenancies.incomplete}"
        if findings:
            return failed(f"{len(problems) + len(parsed.problems)} problems in the CORE lettings log for {spec.label}; {note}", findings, evidence)
        return skipped(f"every row follows CORE's answers and rules, but {note}")
    recon = reconcile_lettings(spec, parsed.rows, tenancies.records)
    if recon.undated:
        note = f"lettings not reconciled with the API: {recon.undated} of the {len(tenancies.records)} tenancies it serves have a start date that is not an ISO date (HSG-DATA-12)"
        if findings:
            return failed(f"{len(problems) + len(parsed.problems)} problems in the CORE lettings log for {spec.label}; {note}", findings, evidence)
        return skipped(f"every row follows CORE's answers and rules, but {note}")
    findings += _reconcile_findings(spec.label, recon)
    how = "matched one to one by tenant code (field 13)" if recon.by_id else "counts compared (the tenant codes are not the API's tenancy ids)"
    exempt = f"; {recon.exempt} of them need no CORE log (general needs Social or Affordable Rent, fixed term under 2 years)" if recon.exempt else ""
    evidence.append(Finding(f"{recon.expected} tenancies served by the API start in {spec.label}{exempt}; the return lists {recon.listed} ({how})", exchange=tenancies.exchange))
    if findings:
        return failed(f"{len(findings)} problems with the CORE lettings log for {spec.label}", findings, evidence)
    return passed(f"the CORE lettings log for {spec.label} lists the {recon.listed} tenancies starting in the year, every row following CORE's answers and rules", evidence)
