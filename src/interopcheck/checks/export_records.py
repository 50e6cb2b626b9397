"""Export checks on the files themselves: available, in the required formats, every record valid, CSV well formed.

All of them read the one cached scan per entity (`export.runner.entity_scan`), so the export of an
entity is downloaded once per run however many checks look at it.
"""

from __future__ import annotations

from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import CheckFunc, check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.declaration import UnmappedValue
from interopcheck.entities import ENTITIES
from interopcheck.export.discover import discovered, run_exports
from interopcheck.export.dictionary import Dictionary, DictionaryUnavailable, absent, coded_in_standard, load_dictionary, undefined, undocumented
from interopcheck.export.runner import ScanFailure, entity_scan, zip_formats
from interopcheck.export.scan import EntityScan
from interopcheck.model import Finding, Status

NEEDS = ("declaration", "export", "credentials")
HOSTILE = ("gzip-bomb", "zip-bomb", "zip-path", "bad-gzip", "bad-zip", "not-array")


def failure_decision(result: ScanFailure) -> Decision:
    """A scan that could not happen: limits skip; an HTTP refusal, a missing export or an unreadable file fails; transport errors error."""
    if result.kind == "limit":
        return skipped(result.reason)
    finding = Finding(result.reason, exchange=result.exchange)
    if result.kind in ("undeclared", "broken") or result.status is not None:
        return failed(result.reason, [finding])
    return errored(result.reason, [finding])


def missing_summary(reasons: list[str]) -> str:
    """The reasons some entities' exports are missing, each once (the first three, then how many more)."""
    unique = list(dict.fromkeys(reasons))
    if len(unique) <= 3:
        return "; ".join(unique)
    return "; ".join(unique[:3]) + f"; and {len(unique) - 3} more entities without a readable export"


def problem_findings(scan: EntityScan, kinds: tuple[str, ...] | None = None) -> list[Finding]:
    """Findings for the scan's read problems (of `kinds`, or all)."""
    return [
        Finding(f"{scan.entity} export ({scan.format}): {p.message}", data={"kind": p.kind, "line": p.line, "url": scan.url})
        for p in scan.problems
        if kinds is None or p.kind in kinds
    ]


@check("export.available", title="A whole-dataset export of every entity can be downloaded", family="export", needs=NEEDS)
def export_available(ctx: CheckContext) -> Decision:
    """Every entity has a declared export that downloads and is not hostile (bombs, path traversal)."""
    hostile: list[Finding] = []
    evidence: list[Finding] = []
    outcomes: list[Decision] = []
    for entity in ctx.scope.entities:
        result = entity_scan(ctx, entity)
        if isinstance(result, ScanFailure):
            outcomes.append(failure_decision(result))
            continue
        hostile.extend(problem_findings(result, HOSTILE))
        if result.limited:  # a limit stopped it (a gzip body past --export-max-bytes): not shown whole, as a refused download
            outcomes.append(skipped(f"{entity}: {result.limited}"))
            continue
        source = " (documented in the API description, not declared)" if discovered(ctx, entity, result.url) else ""
        evidence.append(Finding(f"{entity}: {result.url} ({result.format}){source} read, {result.records} records", exchange=result.exchange))
    failed_outcomes = [d for d in outcomes if d.status is Status.FAIL]
    failures = [f for d in failed_outcomes for f in (d.findings or (Finding(d.summary),))]
    if failures or hostile:
        parts = [missing_summary([d.summary for d in failed_outcomes])] if failed_outcomes else []
        parts += [f"{len(hostile)} exports unsafe or unreadable (bombs, path traversal, broken archives)"] if hostile else []
        return failed("; ".join(parts), failures + hostile, evidence)
    if outcomes:
        worst = Status.ERROR if any(d.status is Status.ERROR for d in outcomes) else Status.SKIP
        found = tuple(f for d in outcomes for f in d.findings)
        return Decision(worst, "; ".join(dict.fromkeys(d.summary for d in outcomes)), found, tuple(evidence))
    return passed(f"all {len(ctx.scope.entities)} entities in scope have a downloadable export", evidence)


@check("export.formats", title="Exports offered as JSON or NDJSON and as CSV", family="export", needs=NEEDS)
def export_formats(ctx: CheckContext) -> Decision:
    """Each entity has a JSON-family export (NDJSON, JSON array or zip of them) and a CSV export declared."""
    assert ctx.declaration is not None
    findings: list[Finding] = []
    unread: list[Decision] = []
    for entity in ctx.scope.entities:
        formats = set()
        for decl in (d for d in run_exports(ctx) if d.entity == entity):
            inside = zip_formats(ctx, decl) if decl.format == "zip" else {decl.format}  # a zip: the files it holds
            if isinstance(inside, ScanFailure):
                if all(d.summary != inside.reason for d in unread):  # one archive serves every entity: say it once
                    unread.append(failure_decision(inside))
            else:
                formats |= inside
        if not formats & {"ndjson", "json"}:
            findings.append(Finding(f"{entity}: no JSON or NDJSON export declared", data={"entity": entity, "formats": sorted(formats)}))
        if "csv" not in formats:
            findings.append(Finding(f"{entity}: no CSV export declared", data={"entity": entity, "formats": sorted(formats)}))
    findings += [f for d in unread if d.status is Status.FAIL for f in (d.findings or (Finding(d.summary),))]
    if findings:
        return failed(f"{len(findings)} required export formats missing", findings)
    if unread:
        return unread[0]  # a zip export that could not be looked into: its skip or error, with the reason
    return passed("every entity is exported as JSON/NDJSON and CSV")


def _records_check(entity: str) -> CheckFunc:
    def export_records(ctx: CheckContext) -> Decision:
        """Every record of the entity's export, after the declaration's mapping, is valid against the standard."""
        if ctx.standards is None:
            return errored("the standard schemas could not be loaded, so records cannot be validated")
        result = entity_scan(ctx, entity)
        if isinstance(result, ScanFailure):
            return failure_decision(result)
        summary = result.validation
        if summary is None:
            return skipped(f"only a CSV export of {entity} is declared; records are validated from NDJSON or JSON exports")
        findings = [
            Finding(
                f"line {f.line}" + (f" (id {f.id})" if f.id else "") + ": " + "; ".join(f"{p or '/'}: {m}" for p, m, _ in f.errors),
                data={"line": f.line, "id": f.id, "errors": [{"pointer": p, "message": m, "kind": k} for p, m, k in f.errors]},
            )
            for f in summary.failures
        ]
        findings += problem_findings(result)
        findings += unmapped_findings(entity, summary.unmapped)
        stats = Finding(summary.headline, data={"records": summary.records, "failed": summary.failed, "kinds": summary.kinds,
                                                "read_problems": result.problem_count,
                                                **({"unmapped_values": len(summary.unmapped)} if summary.unmapped else {})})
        if summary.failed or result.problem_count or summary.unmapped:
            extra = f"; {result.problem_count} unreadable or broken" if result.problem_count else ""
            if summary.unmapped:
                extra += f"; {len(summary.unmapped)} value(s) outside the declaration's value maps"
            return failed(summary.headline + extra, findings, [stats])
        if result.limited:
            return skipped(f"{summary.records} {entity} records valid, but the export was not read to its end: {result.limited}")
        return passed(f"all {summary.records} {entity} records are valid against the standard", [stats])

    return export_records


def unmapped_findings(entity: str, unmapped: tuple[UnmappedValue, ...]) -> list[Finding]:
    """One finding per supplier value a value map of the declaration did not cover (field, value, count, first record)."""
    return [
        Finding(f"{entity} {u.message}", data={"field": u.field, "value": u.value, "count": u.count, "first_id": u.first_id, "other_values": u.other})
        for u in unmapped
    ]


for _entity in ENTITIES:
    check(f"export.records.{_entity}", title=f"Every exported {_entity} record is valid against the standard", family="export", needs=NEEDS)(
        _records_check(_entity)
    )


@check("export.csv-valid", title="CSV exports: UTF-8, header row, RFC 4180 quoting, documented columns", family="export", needs=NEEDS)
def export_csv_valid(ctx: CheckContext) -> Decision:
    """Each CSV export reads as UTF-8 RFC 4180 with a header, its columns are in the data dictionary, rows match the records."""
    findings: list[Finding] = []
    evidence: list[Finding] = []
    skips: list[str] = []
    errors: list[str] = []
    dictionary, why, _ = _dictionary(ctx)
    seen = rows = 0
    for entity in ctx.scope.entities:
        result = entity_scan(ctx, entity, fmt="csv")  # a CSV file, or the entity's CSV inside a zip export
        if isinstance(result, ScanFailure) and result.kind == "undeclared":
            continue
        seen += 1
        if isinstance(result, ScanFailure):
            decision = failure_decision(result)
            if decision.status is Status.FAIL:
                findings.extend(decision.findings or (Finding(decision.summary),))
            else:  # not tested (a limit, a request not sent or not answered): never the supplier's failure
                (skips if decision.status is Status.SKIP else errors).append(f"{entity}: {decision.summary}")
            continue
        findings.extend(problem_findings(result))
        if dictionary is not None:
            missing = undocumented(dictionary, entity, result.columns)
            if missing:
                findings.append(Finding(f"{entity} CSV columns not in the data dictionary: {', '.join(missing)}", data={"entity": entity, "columns": missing}))
            lacking = absent(dictionary, entity, result.columns) if result.columns else []
            if lacking:
                findings.append(Finding(f"{entity} CSV lacks columns the data dictionary names: {', '.join(lacking)}", data={"entity": entity, "absent": lacking}))
        other = entity_scan(ctx, entity)
        if isinstance(other, EntityScan) and not (other.limited or result.limited or other.truncated or result.truncated) and other.records != result.records:
            findings.append(Finding(f"{entity}: the CSV has {result.records} rows but the {other.format} export {other.records} records"))
        if result.limited:
            skips.append(f"{entity}: {result.limited}")
        rows += result.records
        evidence.append(Finding(f"{entity}: {result.records} CSV rows, columns {', '.join(result.columns)}", exchange=result.exchange))
    if not seen:
        return failed("no CSV export is declared", [Finding("the declaration lists no export with format csv")])
    if findings:
        return failed(f"{len(findings)} problems in the CSV exports", findings, evidence)
    if errors:
        return errored(f"{len(errors)} CSV exports could not be read: " + "; ".join(dict.fromkeys(errors)))
    if skips:
        return skipped("; ".join(skips))
    note = ", and every column the data dictionary names" if dictionary is not None else f" (columns not compared: {why})"
    return passed(f"{seen} CSV exports are well formed: all {rows} rows UTF-8, RFC 4180 quoting, as many fields as the header{note}", evidence)


@check("export.data-dictionary", title="A data dictionary defines every exported column", family="export", needs=NEEDS)
def export_data_dictionary(ctx: CheckContext) -> Decision:
    """The declared data dictionary downloads as JSON and defines every column/field the exports contain.

    Defining a column is giving its type, its meaning and, for a field that takes codes in the
    standard, its code list (HSG-EXP-08 since profile 1.2.0); naming it is not enough.

    Only exports read whole can show that every column is documented: one stopped by a limit makes the
    check skip, one that could not be read (or broke off) makes it error, unless an undocumented column
    was already found.
    """
    dictionary, why, untested = _dictionary(ctx)
    if dictionary is None:
        return errored(why) if untested else failed(why, [Finding(why)])
    findings: list[Finding] = []
    limited: list[str] = []
    unread: list[str] = []
    checked = 0
    seen: set[int] = set()
    for entity in ctx.scope.entities:
        for fmt in ("csv", None):
            result = entity_scan(ctx, entity, fmt=fmt)
            if isinstance(result, ScanFailure):
                if result.kind != "undeclared":  # an entity not exported in this form has nothing to document
                    (limited if result.kind == "limit" else unread).append(f"{entity}: {result.reason}")
                continue
            if id(result) in seen:
                continue  # a CSV-only entity: its record export is its CSV, already compared
            seen.add(id(result))
            missing = undocumented(dictionary, entity, result.columns)
            if missing:
                findings.append(Finding(f"{entity} ({result.format}): not in the data dictionary: {', '.join(missing)}", data={"entity": entity, "columns": missing}))
            lacking = undefined(dictionary, entity, result.columns, coded_in_standard(entity, _mapped_fields(ctx, entity)))
            if lacking:
                said = "; ".join(f"{column} (no {', no '.join(what)})" for column, what in lacking.items())
                findings.append(Finding(f"{entity} ({result.format}): named but not defined in the data dictionary: {said}", data={"entity": entity, "undefined": lacking}))
            if result.limited:
                limited.append(f"{entity} ({result.format}): {result.limited}")
            elif result.truncated:
                unread.append(f"{entity} ({result.format}): the export could not be read to its end")
            else:
                checked += 1
    if findings:
        return failed(f"{len(findings)} exports have columns the data dictionary does not name or define", findings)
    unread, limited = list(dict.fromkeys(unread)), list(dict.fromkeys(limited))  # a CSV-only entity's one scan is asked for twice
    if unread:
        return errored(f"{len(unread)} exports could not be read whole, so their columns are unchecked: " + "; ".join(unread))
    if limited:
        return skipped("; ".join(limited))
    if not checked:
        return skipped("no export is declared, so there is no column to compare with the data dictionary")
    return passed(f"the data dictionary defines every column of the {checked} exports read (type, meaning and code list; every record's fields, as the supplier wrote them)")


def _mapped_fields(ctx: CheckContext, entity: str) -> dict[str, str]:
    """The declaration's field mapping for `entity` (standard pointer -> supplier pointer), or none."""
    mapping = ctx.declaration.entities.get(entity) if ctx.declaration is not None else None
    return dict(getattr(mapping, "fields", None) or {})


def _dictionary(ctx: CheckContext) -> tuple[Dictionary | None, str, bool]:
    """The data dictionary (cached), or None, why not, and whether that is because it was never fetched (not tested)."""
    if "export.dictionary" not in ctx.cache:
        try:
            ctx.cache["export.dictionary"] = (load_dictionary(ctx), "", False)
        except DictionaryUnavailable as exc:
            ctx.cache["export.dictionary"] = (None, exc.reason, exc.untested)
    value: Any = ctx.cache["export.dictionary"]
    return value
