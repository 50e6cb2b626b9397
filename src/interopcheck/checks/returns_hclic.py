"""`returns.h-clic`: the H-CLIC quarterly return content, checked for structure and categories and reconciled with the API's cases.

The H-CLIC data specification (MHCLG's item list and XML codes) is not public, so the official file
format is not verified. What is verified, for each calendar quarter of the run's collection year,
is the structure `interopcheck.returns.hclic` defines from MHCLG's published live-table categories:
the document's members, each category a code of the standard's H-CLIC code lists, each case record
valid against standards/returns/h-clic.json, and every count equal to the count made from the
homelessness cases the API serves.
"""

from __future__ import annotations

from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.checks.returns_common import NEEDS, api_records, collection_year, download
from interopcheck.errors import LiveError
from interopcheck.model import Finding
from interopcheck.returns.hclic import TABLES, count_differences, quarters_of_collection_year, structure_problems, tally
from interopcheck.standards import load_standards

CASE_SCHEMA = "returns/h-clic"
MAX_CASE_FINDINGS = 20
NOT_VERIFIED = "the official H-CLIC file format (item numbers, XML codes) is not verified: MHCLG's H-CLIC data specification is not public"


def _codes(ctx: CheckContext, year: int) -> dict[str, tuple[str, ...]]:
    """Each table's allowed categories: the codes of its code list in the run's standards year."""
    registry = ctx.standards or load_standards(year)
    return {name: tuple(str(c.code) for c in registry.codes(codelist)) for name, (codelist, _) in TABLES.items()}


def _quarter_findings(ctx: CheckContext, quarter: str, doc: Any, codes: dict[str, tuple[str, ...]], cases: list[Any], exchange: Any) -> list[Finding]:
    """What is wrong with one quarter's return: structure, categories, case records, counts against the API."""
    findings = [Finding(f"{quarter}: {p}", exchange=exchange) for p in structure_problems(doc, quarter, codes)]
    if not isinstance(doc, dict):
        return findings
    registry = ctx.standards or load_standards(collection_year(ctx))
    validator = registry.validator(CASE_SCHEMA)
    bad = 0
    for i, record in enumerate(doc.get("cases") if isinstance(doc.get("cases"), list) else ()):
        errors = validator.errors(record)
        if errors:
            bad += 1
            if bad <= MAX_CASE_FINDINGS:
                ref = record.get("case_ref") if isinstance(record, dict) else None
                findings.append(Finding(f"{quarter}: case {i + 1} ({ref!r}) is not a valid H-CLIC case record: {errors[0].pointer or '/'} {errors[0].message}", exchange=exchange))
    if bad > MAX_CASE_FINDINGS:
        findings.append(Finding(f"{quarter}: {bad - MAX_CASE_FINDINGS} more case records are not valid"))
    expected = tally(cases, quarter)
    if expected.unreadable:
        return findings  # the API's dates cannot be read: the counts are not compared (the check says so)
    if isinstance(doc.get("tables"), dict):
        for table, category, stated, counted in count_differences(doc["tables"], expected.tables):
            findings.append(Finding(
                f"{quarter}: table {table}, category {category!r}: the return counts {stated}, the homelessness cases the API serves give {counted} ({TABLES[table][1]})",
                exchange=exchange, data={"quarter": quarter, "table": table, "category": category, "return": stated, "api": counted},
            ))
    refs = {str(r.get("case_ref")) for r in doc.get("cases") or () if isinstance(r, dict)}
    if refs and refs <= {str(c.get("id")) for c in cases if isinstance(c, dict)} and refs != set(expected.case_ids):
        missing, extra = sorted(set(expected.case_ids) - refs), sorted(refs - set(expected.case_ids))
        findings.append(Finding(f"{quarter}: the return's cases differ from the cases active in the quarter: missing {', '.join(missing[:20]) or 'none'}; not active {', '.join(extra[:20]) or 'none'}", exchange=exchange))
    return findings


@check("returns.h-clic", title="The H-CLIC quarterly return content is well formed, uses the H-CLIC categories and agrees with the API's cases", family="returns", needs=NEEDS)
def returns_h_clic(ctx: CheckContext) -> Decision:
    """Download the declared H-CLIC return for each quarter of the collection year; check its structure and categories; reconcile its counts with the API's homelessness cases."""
    assert ctx.declaration is not None
    decl = ctx.declaration.returns.get("h_clic")
    if not decl:
        return failed("no H-CLIC return is declared (returns.h_clic)", [Finding("the declaration has no returns.h_clic {url, quarter_param}")])
    year = collection_year(ctx)
    cases = api_records(ctx, "homelessness-case")
    if cases.incomplete:
        return skipped(f"the H-CLIC return could not be reconciled: {cases.incomplete}")
    codes = _codes(ctx, year)
    findings: list[Finding] = []
    evidence: list[Finding] = []
    for quarter in quarters_of_collection_year(year):
        got = download(ctx, decl, "quarter_param", "quarter", quarter)
        if got.response is None:
            assert got.finding is not None
            if not got.supplier_fault:
                return errored(got.finding.message, [got.finding])
            findings.append(got.finding)
            continue
        try:
            doc = got.response.json()
        except LiveError as exc:
            findings.append(Finding(f"{quarter}: the return is not JSON: {exc.message}", exchange=got.response.exchange))
            continue
        found = _quarter_findings(ctx, quarter, doc, codes, cases.records, got.response.exchange)
        findings += found
        counted = tally(cases.records, quarter)
        evidence.append(Finding(f"{quarter}: {sum(counted.tables['A1'].values())} approaches, {len(counted.case_ids)} cases active; " + ", ".join(f"{t} {sum(v.values())}" for t, v in counted.tables.items()), exchange=got.response.exchange))
    unreadable = tally(cases.records, quarters_of_collection_year(year)[0]).unreadable
    counts = (
        f"every count equal to the count from the {len(cases.records)} homelessness cases the API serves" if not unreadable else
        f"not the counts: {unreadable} of the {len(cases.records)} homelessness cases the API serves have a date that is not an ISO date (HSG-DATA-12), so their quarter is unknown"
    )
    verified = (
        f"verified for the four quarters of {year}/{(year + 1) % 100:02d}: the structure interopcheck defines (return, quarter, period, cases, tables A1, A2, P1, R1, MD1), "
        f"each category a code of the standard's H-CLIC code lists, each case record valid against standards/returns/h-clic.json, and {counts}; {NOT_VERIFIED}"
    )
    evidence.insert(0, Finding(verified, exchange=cases.exchange))
    if findings:
        return failed(f"{len(findings)} problems with the H-CLIC return ({NOT_VERIFIED})", findings, evidence)
    if unreadable:
        return skipped(verified)
    return passed(verified, evidence)
