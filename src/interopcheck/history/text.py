"""Plain-text views of the history for the terminal: the run list, one run, and a diff of two runs. Return lines; never print."""

from __future__ import annotations

from interopcheck.history.compare import RunDiff
from interopcheck.history.records import RunRecord, StoredRun

_KIND_TITLES = {
    "regressed": "Regressed (met before, not met now)",
    "improved": "Improved (not met before, met now)",
    "changed": "Changed outcome",
    "reason": "Same outcome, new reason",
}


def _clip(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def score_over(record: RunRecord) -> str:
    """The score with how much the run decided ('62.5 over 57 of 59'), as every report shows it; the score alone
    only when the outcomes were not loaded."""
    if not record.outcomes:
        return f"{record.score}"
    decided = sum(o.status not in ("skip", "error") for o in record.outcomes)
    return f"{record.score} over {decided} of {len(record.outcomes)}"


def run_line(run: StoredRun) -> str:
    """One run on one line: id, when, supplier, profile, verdict, score, MUSTs failed, environment."""
    r = run.record
    musts = f"{r.musts_failed}/{r.musts_total}"
    return (
        f"{run.id:>5}  {run.recorded_at:25}  {_clip(r.supplier, 30):30}  {(r.profile_id + ' ' + r.profile_version):16}  "
        f"{r.verdict.replace('_', ' '):14}  {score_over(r):>18}  {musts:>7}  {_clip(r.environment, 60)}"
    )


def list_lines(runs: list[StoredRun]) -> list[str]:
    """The run list, oldest first, with a header; one line saying so when there are none."""
    if not runs:
        return ["no runs recorded"]
    header = f"{'run':>5}  {'recorded (UTC)':25}  {'supplier':30}  {'profile':16}  {'verdict':14}  {'score (decided)':>18}  {'MUSTs failed':>7}  environment"
    return [header, *(run_line(r) for r in runs)]


def show_lines(run: StoredRun) -> list[str]:
    """One run in full: what it checked, its verdict and every requirement's outcome and reason."""
    r = run.record
    lines = [
        f"run {run.id}, recorded {run.recorded_at}",
        f"  supplier:       {r.supplier}",
        f"  environment:    {r.environment}",
        f"  profile:        {r.profile_id} {r.profile_version} (sha256 {r.profile_sha256 or '-'})",
        f"  standards year: {r.standards_year if r.standards_year is not None else '-'}",
        f"  spec:           {r.spec_source or '-'} (sha256 {r.spec_sha256 or '-'})",
        f"  verdict:        {r.verdict.replace('_', ' ')}; score {score_over(r)} requirements; {r.musts_failed} of {r.musts_total} MUSTs failed",
        f"  report:         {r.report_path or '-'} (sha256 {r.report_sha256 or '-'})",
        f"  tool:           interopcheck {r.tool_version or '-'}; started {r.started_at or '-'}, finished {r.finished_at or '-'}",
        "",
    ]
    lines += [f"  {o.status.upper():14} {o.requirement_id:12} {o.level:6} {_clip(o.reason)}" for o in r.outcomes]
    return lines


def diff_lines(diff: RunDiff) -> list[str]:
    """The diff of two runs: regressions first, then improvements, other changes, new reasons, and the spec's changes."""
    a, b = diff.before, diff.after
    lines = [
        f"run {a.id} ({a.recorded_at}, {a.record.verdict.replace('_', ' ')}, score {score_over(a.record)}) -> "
        f"run {b.id} ({b.recorded_at}, {b.record.verdict.replace('_', ' ')}, score {score_over(b.record)})",
    ]
    if a.record.supplier != b.record.supplier or a.record.profile_id != b.record.profile_id:
        lines.append(f"note: comparing {a.record.supplier} ({a.record.profile_id}) with {b.record.supplier} ({b.record.profile_id})")
    for kind, title in _KIND_TITLES.items():
        changes = diff.of_kind(kind)
        lines += ["", f"{title}: {len(changes)}"]
        for c in changes:
            lines.append(f"  {c.requirement_id:12} {c.level:6} {c.before or 'absent'} -> {c.after or 'absent'}: {_clip(c.after_reason or c.before_reason)}")
    lines.append("")
    if a.record.spec_sha256 == b.record.spec_sha256:
        lines.append("Spec: unchanged (same sha256)")
    else:
        lines.append(f"Spec: changed ({(a.record.spec_sha256 or '-')[:12]} -> {(b.record.spec_sha256 or '-')[:12]}): {len(diff.spec_changes)} parts")
        lines += [f"  {c.kind:8} {c.part}" for c in diff.spec_changes]
    return lines
