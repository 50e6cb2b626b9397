"""The verdict, score and counts of a set of requirement outcomes: rules printed in every report.

The verdict is conformant only when every MUST passed (or was attested, or does not apply); a failed
MUST beats an unknown one. Kept in the model layer, below both the engine that makes reports and the
report package that re-checks them (`report.verify`), so neither imports upward.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from interopcheck.model import Counts, Level, Outcome, Requirement, Score, Status, Verdict

WEIGHTS: dict[Level, int] = {Level.MUST: 3, Level.SHOULD: 2, Level.MAY: 1}
SCORE_FORMULA = (
    "score = 100 x sum(weight of requirements passed or attested) / "
    "sum(weight of requirements passed, attested, failed, warned or errored); "
    "weights MUST=3, SHOULD=2, MAY=1; skipped and not-applicable requirements are left out"
)
_SATISFIED = {Status.PASS, Status.ATTESTED, Status.NOT_APPLICABLE}
_SCORED = {Status.PASS, Status.ATTESTED, Status.FAIL, Status.WARN, Status.ERROR}


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
