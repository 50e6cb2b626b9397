"""Map check results onto requirements: one outcome each (the verdict, score and counts: `scoring`).

The rules are few and printed in every report: a requirement fails when any of its checks
fails (a SHOULD or MAY only warns); otherwise an error, then a skip, decides; the verdict is
conformant only when every MUST passed (or was attested, or does not apply).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from interopcheck.checks.context import Scope
from interopcheck.declaration import Declaration
from interopcheck.model import CheckResult, Level, Mode, Outcome, Requirement, Status
from interopcheck.scoring import SCORE_FORMULA, WEIGHTS, counts_of, not_tested, score_of, verdict_of

# The verdict, score and counts rules live in `interopcheck.scoring` (the model layer), so the report
# package can recompute them without importing the engine; named here for the engine's callers.
__all__ = ["SCORE_FORMULA", "WEIGHTS", "claim_for", "counts_of", "evaluate_requirement", "not_tested", "score_of", "verdict_of"]

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
    signed = attestation_of(req, declaration) if status is Status.ATTESTED else None
    return Outcome(req.id, req.title, req.level, req.mode, status, reason, checks, claimed, since=req.since, attestation=signed)


def attestation_of(req: Requirement, declaration: Declaration | None) -> dict[str, Any] | None:
    """Who signed `req`'s attestation, when, and the evidence link, for the report (None when not attested)."""
    att = declaration.attestations.get(req.id) if declaration is not None else None
    if att is None:
        return None
    return {"statement": att.statement, "signed_by": dict(att.signed_by), "date": att.date, "evidence_url": att.evidence_url}


def _attestation(req: Requirement, declaration: Declaration | None) -> tuple[Status, str]:
    if declaration is None:
        return Status.SKIP, "no supplier declaration was given (--declaration), so nothing is attested"
    att = declaration.attestations.get(req.id)
    if att is None:
        missing = Status.FAIL if req.level is Level.MUST else Status.WARN
        return missing, "the supplier's declaration does not attest this requirement"
    who = ", ".join(v for v in (att.signed_by.get("name"), att.signed_by.get("role"), att.signed_by.get("organisation")) if v)
    when = f" on {att.date}" if att.date else ""
    evidence = f"; evidence: {att.evidence_url}" if att.evidence_url else ""
    return Status.ATTESTED, f"attested by {who or 'an unnamed signatory'}{when}{evidence}; not verifiable by machine"


def _combine(req: Requirement, checks: tuple[CheckResult, ...]) -> tuple[Status, str]:
    def summarise(results: Iterable[CheckResult]) -> str:
        # Plain language first, for the reader of a board pack; the check ID after, for the engineer.
        return "; ".join(f"{r.summary} ({r.check_id})" for r in results)

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
