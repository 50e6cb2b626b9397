"""HSG-SEC-04: the sandbox holds no personal data that looks real.

GDS: "Test services should never contain real personal or transactional data". The records the
pagination walk read (as the supplier serves them) and the records sampled from each export are
streamed through `interopcheck.pii.PiiTally`: NHS numbers with a valid check digit, National
Insurance numbers HMRC could allocate, UK phone numbers outside Ofcom's drama ranges and email
addresses outside the reserved domains. The report gives counts and masked examples, and every
value found is handed to the run's redactor, so no report, HAR transcript or console line shows it
whole (the walk's own exchanges included). No exchange is attached to the findings.
"""

from __future__ import annotations

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import cached_walk
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.declaration import MISSING, pointer_get
from interopcheck.errors import CheckSkipped
from interopcheck.export.runner import entity_scan
from interopcheck.export.scan import EntityScan
from interopcheck.model import Finding
from interopcheck.pii import LABELS, PiiTally


def _scan_api(ctx: CheckContext, entity: str, tally: PiiTally, errors: list[Finding]) -> None:
    """Every record the walk of `entity`'s collection read, as the supplier wrote it."""
    assert ctx.declaration is not None
    try:
        w = cached_walk(ctx, entity)
    except CheckSkipped:
        return
    if not w.records and (w.errors or w.problems):
        errors.append(Finding(f"no {entity} records could be read: {(w.errors or w.problems)[0].message}"))
        return
    id_field = ctx.declaration.entities[entity].id_field
    for record in w.records:
        rid = pointer_get(record, id_field)
        tally.scan(record, f"{entity} {rid if rid is not MISSING else '?'} (API)")


def _scan_export(ctx: CheckContext, entity: str, tally: PiiTally) -> None:
    """The records sampled across `entity`'s export (in the standard's shape), when the export could be read."""
    assert ctx.declaration is not None
    if not ctx.declaration.exports_of(entity):
        return
    scan = entity_scan(ctx, entity)
    if not isinstance(scan, EntityScan):
        return  # the export checks report why it could not be read
    for line, rid, record in scan.samples:
        tally.scan(record, f"{entity} {rid} (export line {line})")


@check(
    "live.real-looking-pii",
    title="The sandbox holds no real-looking personal data",
    family="live",
    needs=("live", "declaration", "credentials", "export"),
)
def real_looking_pii(ctx: CheckContext) -> Decision:
    """No NHS number, National Insurance number, UK phone number or email address in the sandbox's records or exports looks real."""
    assert ctx.declaration is not None
    tally = PiiTally()
    errors: list[Finding] = []
    for entity in ctx.declaration.entities:
        if entity not in ctx.scope.entities:
            continue
        _scan_api(ctx, entity, tally, errors)
        _scan_export(ctx, entity, tally)
    if tally.found:
        redactor = getattr(ctx.live, "redactor", None)
        for value in tally.values:  # masked in every output, the HAR of the walk included
            if redactor is not None:
                redactor.add(value)
        findings = [Finding(f"{LABELS[e.kind]}: {e.where} = {e.masked}", data={"kind": e.kind}) for e in tally.examples]
        return failed(
            f"{tally.found} value(s) in {tally.records} sampled records look like real personal data: {tally.summary()}; "
            "a sandbox must use test forms (Ofcom drama numbers, example.com or .test emails, invalid NHS and NI numbers) "
            "(HSG-SEC-04; GDS: test services should never contain real personal data)",
            findings,
        )
    if not tally.records:
        return errored("no records could be read to scan", errors) if errors else skipped("no records were returned to scan")
    return passed(
        f"none of the {tally.records} sampled records (API and export) holds an NHS number, National Insurance number, "
        "UK phone number or email address that looks real"
    )
