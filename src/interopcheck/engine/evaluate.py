"""Map check results onto requirements: one outcome each, then the verdict, score and counts.

The rules are few and printed in every report: a requirement fails when any of its checks
fails (a SHOULD or MAY only warns); otherwise an error, then a skip, decides; the verdict is
conformant only when every MUST passed (or was attested, or does not apply).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from interopcheck.checks.context import Scope
from interopcheck.declaration import Declaration
from interopcheck.model import CheckResult, Counts, Level, Mode, Outcome, Requirement, Score, Status, Verdict

WEIGHTS: dict[Level, int] = {Level.MUST: 3, Level.SHOULD: 2, Level.MAY: 1}
SCORE_FORMULA = (
    "score = 100 x sum(weight of requirements passed or attested) / "
    "sum(weight of requirements passed, attested, failed, warned or errored); "
    "weights MUST=3, SHOULD=2, MAY=1; skipped and not-applicable requirements are left out"
)
_SATISFIED = {Status.PASS, Status.ATTESTED, Status.NOT_APPLICABLE}
_SCORED = {Status.PASS, Status.ATTESTED, Status.FAIL, Status.WARN, Status.ERROR}


def evaluate_requirement(
    req: Requirement, results: Mapping[str, CheckResult], declaration: Declaration | None, scope: Scope | None = None
) -> Outcome:
    """The single outcome of `req` from its checks' results (or the declaration, for attestations).

    A requirement tagged with modules none of which the tender requires or the product offers is
    `not_applicable`, with that reason, whatever its checks said.
    """
    checks = tuple(results[c] for c in req.checks if c in results)
    claimed = claim_for(req, declaration)
    out_of_scope = scope.reason_for_modules(req.modules) if scope is not None else None
    if out_of_scope:
        status, reason = Status.NOT_APPLICABLE, out_of_scope
    elif req.mode is Mode.ATTESTATION and not req.checks:
        status, reason = _attestation(req, declaration)
    elif not req.checks:
        status, reason = Status.SKIP, f"not tested: {req.not_tested_reason or 'no check decides this requirement'}"
    else:
        status, reason = _combine(req, checks)
    return Outcome(req.id, req.title, req.level, req.mode, status, reason, checks, claimed)


def _attestation(req: Requirement, declaration: Declaration | None) -> tuple[Status, str]:
    if declaration is None:
        return Status.SKIP, "no supplier declaration was given (--declaration), so nothing is attested"
    att = declaration.attestations.get(req.id)
    if att is None:
        missing = Status.FAIL if req.level is Level.MUST else Status.WARN
        return missing, "the supplier's declaration does not attest this requirement"
    who = ", ".join(v for v in (att.signed_by.get("name"), att.signed_by.get("role"), att.signed_by.get("organisation")) if v)
    when = f" on {att.date}" if att.date else ""
    return Status.ATTESTED, f"attested by {who or 'an unnamed signatory'}{when}; not verifiable by machine"


def _combine(req: Requirement, checks: tuple[CheckResult, ...]) -> tuple[Status, str]:
    def summarise(results: Iterable[CheckResult]) -> str:
        return "; ".join(f"{r.check_id}: {r.summary}" for r in results)

    by_status: dict[Status, list[CheckResult]] = {}
    for result in checks:
        by_status.setdefault(result.status, []).append(result)
    if Status.FAIL in by_status:
        status = Status.FAIL if req.level is Level.MUST else Status.WARN
        return status, summarise(by_status[Status.FAIL])
    for status in (Status.ERROR, Status.SKIP):
        if status in by_status:
            return status, summarise(by_status[status])
    if all(r.status is Status.NOT_APPLICABLE for r in checks):
        return Status.NOT_APPLICABLE, summarise(checks)
    passed = [r for r in checks if r.status is Status.PASS]
    return Status.PASS, summarise(passed)


def claim_for(req: Requirement, declaration: Declaration | None) -> str | None:
    """What the supplier's declaration claims for `req`, shown next to what was demonstrated."""
    if declaration is None:
        return None
    if req.id in declaration.attestations:
        return declaration.attestations[req.id].statement
    claims: list[str] = []
    for check_id in req.checks:
        entity = check_id.rsplit(".", 1)[-1]
        if check_id.startswith(("data.", "live.records.")) and entity in declaration.entities:
            m = declaration.entities[entity]
            mapping = "identity mapping" if m.identity else f"{len(m.fields)} fields mapped"
            claims.append(f"{entity}: collection {m.collection or '-'}, item {m.item or '-'}, {mapping}")
    if any(c.startswith("export.") for c in req.checks) and declaration.exports:
        formats = sorted({e.format for e in declaration.exports})
        entities = sorted({e.entity for e in declaration.exports})
        claims.append(f"exports of {len(entities)} entities in {', '.join(formats)}")
    return "; ".join(dict.fromkeys(claims)) or None


def verdict_of(outcomes: Iterable[Outcome]) -> Verdict:
    """Conformant only when every MUST is satisfied; a failed MUST beats an unknown one."""
    musts = [o for o in outcomes if o.level is Level.MUST]
    if any(o.status is Status.FAIL for o in musts):
        return Verdict.NOT_CONFORMANT
    if all(o.status in _SATISFIED for o in musts):
        return Verdict.CONFORMANT
    return Verdict.INCOMPLETE


def score_of(outcomes: Iterable[Outcome]) -> Score:
    """The weighted share of decided requirements that passed, with its formula."""
    passed = total = 0.0
    for o in outcomes:
        if o.status in _SCORED:
            total += WEIGHTS[o.level]
            if o.status in (Status.PASS, Status.ATTESTED):
                passed += WEIGHTS[o.level]
    value = round(100 * passed / total, 1) if total else 0.0
    return Score(value=value, formula=SCORE_FORMULA, passed_weight=passed, total_weight=total)


def counts_of(outcomes: Iterable[Outcome]) -> Counts:
    """Requirements per status (every status listed, zeros included) and the MUST tally."""
    listed = list(outcomes)
    by_status = {s.value: 0 for s in Status}
    for o in listed:
        by_status[o.status.value] += 1
    musts = [o for o in listed if o.level is Level.MUST]
    return Counts(by_status, sum(o.status is Status.FAIL for o in musts), len(musts))


def not_tested(outcomes: Iterable[Outcome], requirements: Mapping[str, Requirement]) -> tuple[dict[str, str], ...]:
    """Each requirement the run could not decide by machine, with why."""
    out = []
    for o in outcomes:
        if o.status in (Status.SKIP, Status.ERROR):
            out.append({"requirement_id": o.requirement_id, "status": o.status.value, "reason": o.reason})
        elif o.status is Status.ATTESTED:
            why = requirements[o.requirement_id].not_tested_reason or "a claim only the supplier can make"
            out.append({"requirement_id": o.requirement_id, "status": o.status.value, "reason": f"attested, not tested: {why}"})
    return tuple(out)
