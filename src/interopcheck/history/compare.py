"""Compare two runs: requirements that regressed, improved or changed (status or reason), and the spec's changes by operation.

A regression is a requirement met before (pass, attested) and not met now (fail, warn, error);
an improvement is the reverse. Anything else that differs is a change.
"""

from __future__ import annotations

from dataclasses import dataclass

from interopcheck.history.records import MET, UNMET, OutcomeRow, StoredRun


@dataclass(frozen=True)
class Change:
    """One requirement that differs between two runs."""

    requirement_id: str
    level: str
    title: str
    kind: str  # regressed, improved, changed (status), reason (same status, new reason)
    before: str | None  # status in the earlier run (None: the requirement was not in it)
    after: str | None
    before_reason: str
    after_reason: str


@dataclass(frozen=True)
class SpecChange:
    """One part of the API description that differs: an operation ("GET /v1/properties") or a top-level member ("#/servers")."""

    part: str
    kind: str  # added, removed, changed


@dataclass(frozen=True)
class RunDiff:
    """What changed from run `before` to run `after`."""

    before: StoredRun
    after: StoredRun
    changes: tuple[Change, ...]
    spec_changes: tuple[SpecChange, ...]

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        """The changes of one kind, in profile order."""
        return tuple(c for c in self.changes if c.kind == kind)

    @property
    def musts_regressed(self) -> tuple[Change, ...]:
        """MUSTs that passed before and fail now: what `--fail-on-regression` exits 1 for."""
        return tuple(c for c in self.changes if c.kind == "regressed" and c.level == "MUST" and c.after == "fail")


def _kind(before: OutcomeRow | None, after: OutcomeRow | None) -> str | None:
    if before is None or after is None:
        return "changed"
    if before.status in MET and after.status in UNMET:
        return "regressed"
    if before.status in UNMET and after.status in MET:
        return "improved"
    if before.status != after.status:
        return "changed"
    if before.reason != after.reason:
        return "reason"
    return None


def diff_outcomes(before: tuple[OutcomeRow, ...], after: tuple[OutcomeRow, ...]) -> tuple[Change, ...]:
    """Each requirement whose outcome differs, in the later run's order (then those only the earlier run had)."""
    old = {o.requirement_id: o for o in before}
    new = {o.requirement_id: o for o in after}
    changes = []
    for rid in [*new, *(r for r in old if r not in new)]:
        a, b = old.get(rid), new.get(rid)
        kind = _kind(a, b)
        if kind is None:
            continue
        ref = b or a
        assert ref is not None
        changes.append(
            Change(rid, ref.level, ref.title, kind, a.status if a else None, b.status if b else None, a.reason if a else "", b.reason if b else "")
        )
    return tuple(changes)


def diff_spec(before: tuple[tuple[str, str], ...], after: tuple[tuple[str, str], ...]) -> tuple[SpecChange, ...]:
    """The operations and top-level members added, removed or changed between two spec fingerprints."""
    old, new = dict(before), dict(after)
    out = [SpecChange(p, "added") for p in new if p not in old]
    out += [SpecChange(p, "removed") for p in old if p not in new]
    out += [SpecChange(p, "changed") for p in new if p in old and old[p] != new[p]]
    return tuple(sorted(out, key=lambda c: (c.part.startswith("#"), c.part)))


def diff_runs(before: StoredRun, after: StoredRun) -> RunDiff:
    """Compare two stored runs (loaded with their outcomes and spec parts)."""
    spec = () if before.record.spec_sha256 == after.record.spec_sha256 else diff_spec(before.record.spec_parts, after.record.spec_parts)
    return RunDiff(before, after, diff_outcomes(before.record.outcomes, after.record.outcomes), spec)


def regressions_section(diff: RunDiff) -> dict[str, object]:
    """The report's `regressions` member: the earlier run it compares with, what regressed and what improved."""
    prior = diff.before
    def rows(kind: str) -> list[dict[str, object]]:
        return [
            {"requirement_id": c.requirement_id, "level": c.level, "title": c.title, "before": c.before, "after": c.after, "reason": c.after_reason}
            for c in diff.of_kind(kind)
        ]
    return {
        "since": {
            "run_id": prior.id,
            "recorded_at": prior.recorded_at,
            "verdict": prior.record.verdict,
            "score": prior.record.score,
            "spec_sha256": prior.record.spec_sha256,
            "report_path": prior.record.report_path,
        },
        "supplier": diff.after.record.supplier,
        "regressed": rows("regressed"),
        "improved": rows("improved"),
        "musts_regressed": len(diff.musts_regressed),
        "spec_changed": prior.record.spec_sha256 != diff.after.record.spec_sha256,
    }
