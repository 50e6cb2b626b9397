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
    "sum(weight of requirements passed, attested, failed or warned); "
    "weights MUST=3, SHOULD=2, MAY=1; skipped, errored (could not be decided) and not-applicable requirements are left out"
)
#: The rule before errors were left out (a set-up mistake then lowered the score like a failure); `report verify` still checks reports made under it.
LEGACY_SCORE_FORMULA = (
    "score = 100 x sum(weight of requirements passed or attested) / "
    "sum(weight of requirements passed, attested, failed, warned or errored); "
    "weights MUST=3, SHOULD=2, MAY=1; skipped and not-applicable requirements are left out"
)
_SATISFIED = {Status.PASS, Status.ATTESTED, Status.NOT_APPLICABLE}
_SCORED = {Status.PASS, Status.ATTESTED, Status.FAIL, Status.WARN}


def verdict_of(outcomes: Iterable[Outcome]) -> Verdict:
    """Conformant only when every MUST is satisfied; a failed MUST beats an unknown one."""
    musts = [o for o in outcomes if o.level is Level.MUST]
    if any(o.status is Status.FAIL for o in musts):
        return Verdict.NOT_CONFORMANT
    if all(o.status in _SATISFIED for o in musts):
        return Verdict.CONFORMANT
    return Verdict.INCOMPLETE


def score_of(outcomes: Iterable[Outcome], formula: str = SCORE_FORMULA) -> Score:
    """The weighted share of decided requirements that passed, with its formula (LEGACY_SCORE_FORMULA: errors weighed too)."""
    scored = _SCORED | {Status.ERROR} if formula == LEGACY_SCORE_FORMULA else _SCORED
    passed = total = 0.0
    for o in outcomes:
        if o.status in scored:
            total += WEIGHTS[o.level]
            if o.status in (Status.PASS, Status.ATTESTED):
                passed += WEIGHTS[o.level]
    value = round(100 * passed / total, 1) if total else 0.0
    return Score(value=value, formula=formula, passed_weight=passed, total_weight=total)


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


#: A fail or error reason shared by at least this many requirements is summarised once.
SHARED_MIN = 3
#: What the engine puts before a broken sandbox's cause (checks.context.CheckContext.broken); the cause is the news.
_BROKEN_PREFIX = "the sandbox could not be used: "
#: Skip reasons as the few words a summary line has room for (the full reason stays on each requirement).
_SHORT_SKIPS = (
    ("(--base-url)", "no --base-url"),
    ("(--declaration)", "no --declaration"),
    ("no credentials given", "no credentials"),
    ("--static-only", "--static-only"),
)
_DECIDING = {Status.FAIL: Status.FAIL, Status.WARN: Status.FAIL, Status.ERROR: Status.ERROR, Status.SKIP: Status.SKIP}


def normalised_reason(outcome: Outcome) -> str:
    """The reason of `outcome` without its check IDs: the summary of the first check that decided it (else its own reason)."""
    want = _DECIDING.get(outcome.status)
    deciding = next((c.summary for c in outcome.checks if c.status is want), None) if want else None
    reason = " ".join((deciding or outcome.reason or "").split())
    return reason.removeprefix(_BROKEN_PREFIX)


def short_skip(reason: str) -> str:
    """A skip reason in a few words ('no --base-url'); other reasons as they are."""
    labels = [label for needle, label in _SHORT_SKIPS if needle in reason]
    if labels:
        return " + ".join(dict.fromkeys(labels))
    return reason.removeprefix("not tested: ")


def summary_of(outcomes: Iterable[Outcome], preflight: Mapping[str, object] | None = None) -> dict[str, object]:
    """The report's `summary`: how many requirements were decided, the skips grouped by reason, the shared causes, the preflight."""
    listed = list(outcomes)
    skipped: dict[str, int] = {}
    causes: dict[str, list[Outcome]] = {}
    for o in listed:
        if o.status is Status.SKIP:
            label = short_skip(normalised_reason(o))
            skipped[label] = skipped.get(label, 0) + 1
        elif o.status in (Status.FAIL, Status.WARN, Status.ERROR):
            causes.setdefault(normalised_reason(o), []).append(o)
    undecided = sum(o.status in (Status.SKIP, Status.ERROR) for o in listed)
    shared = [
        {"cause": cause, "count": len(group), "requirement_ids": [o.requirement_id for o in group]}
        for cause, group in sorted(causes.items(), key=lambda kv: -len(kv[1]))
        if len(group) >= SHARED_MIN
    ]
    return {
        "decided": len(listed) - undecided,
        "total": len(listed),
        "skipped": [{"reason": r, "count": n} for r, n in sorted(skipped.items(), key=lambda kv: -kv[1])],
        "shared_causes": shared,
        "preflight": dict(preflight) if preflight is not None else None,
    }


def score_text(value: float, summary: Mapping[str, object] | None) -> str:
    """'score 100.0 over 14 of 53 requirements (39 skipped: no --base-url, no --declaration)': never a score alone."""
    if not summary:
        return f"score {value}"
    errored = summary["total"] - summary["decided"] - sum(s["count"] for s in summary["skipped"])  # type: ignore[index, operator, union-attr]
    parts = []
    if errored:  # their causes are the shared-cause lines (or each requirement's reason)
        parts.append(f"{errored} could not be decided")
    skipped = summary["skipped"]
    if skipped:
        count = sum(s["count"] for s in skipped)  # type: ignore[union-attr]
        # each short reason once: a requirement skipped for two ("no --base-url + no --declaration") adds nothing new
        labels = list(dict.fromkeys(_cut(atom, 60) for s in skipped for atom in str(s["reason"]).split(" + ")))  # type: ignore[index, union-attr]
        reasons = ", ".join(labels[:3]) + (", …" if len(labels) > 3 else "")
        parts.append(f"{count} skipped: {reasons}")
    tail = f" ({'; '.join(parts)})" if parts else ""
    return f"score {value} over {summary['decided']} of {summary['total']} requirements{tail}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
