"""A supplier's runs over time: each requirement's outcome per run, and the grid as text.

Every cell is a symbol and a letter, never colour alone; the legend says what each means.
"""

from __future__ import annotations

from dataclasses import dataclass

from interopcheck.errors import HistoryError
from interopcheck.history.records import StoredRun

#: status -> (symbol, short text, label): the grid's cells, readable without colour.
CELLS: dict[str, tuple[str, str, str]] = {
    "pass": ("✓", "pass", "Pass"),
    "fail": ("✗", "FAIL", "Fail"),
    "warn": ("!", "warn", "Warning (a SHOULD not met)"),
    "error": ("⚠", "ERR", "Error (could not be decided)"),
    "skip": ("–", "skip", "Skipped (not tested)"),
    "not_applicable": ("∅", "n/a", "Not applicable"),
    "attested": ("✎", "att", "Attested by the supplier"),
}
ABSENT = ("·", "", "Not in this run")


@dataclass(frozen=True)
class Requirement:
    """A row of the grid."""

    id: str
    level: str
    title: str


@dataclass(frozen=True)
class Trend:
    """The runs of one supplier against one profile, oldest first, and the requirements they judged."""

    supplier: str
    profile_id: str
    runs: tuple[StoredRun, ...]
    requirements: tuple[Requirement, ...]

    def status(self, run: StoredRun, requirement_id: str) -> str | None:
        """The run's outcome of the requirement, or None when the run did not judge it."""
        outcome = run.outcome(requirement_id)
        return outcome.status if outcome else None


def build_trend(supplier: str, runs: list[StoredRun], profile_id: str | None = None) -> Trend:
    """The trend of `supplier`'s runs (loaded in full) against `profile_id`, default the profile of its latest run."""
    if not runs:
        raise HistoryError(f"no runs of supplier {supplier!r} in the history", hint="see 'interopcheck history list' for the suppliers recorded")
    profile = profile_id or runs[-1].record.profile_id
    chosen = tuple(r for r in runs if r.record.profile_id == profile)
    if not chosen:
        known = ", ".join(sorted({r.record.profile_id for r in runs}))
        raise HistoryError(f"no runs of supplier {supplier!r} against profile {profile!r}", hint=f"its runs used {known}")
    rows: dict[str, Requirement] = {}
    for run in reversed(chosen):  # the latest run's order first, then requirements only older runs had
        for o in run.record.outcomes:
            rows.setdefault(o.requirement_id, Requirement(o.requirement_id, o.level, o.title))
    return Trend(supplier, profile, chosen, tuple(rows.values()))


def cell_text(status: str | None) -> str:
    """A grid cell as text: symbol and short word (`✗ FAIL`), or a dot when the run did not judge it."""
    symbol, short, _ = CELLS.get(status, ("?", status or "", status or "")) if status else ABSENT
    return f"{symbol} {short}".strip()


def trend_text(trend: Trend) -> list[str]:
    """The trend for a terminal: one line per run (score, MUSTs failed), then the requirement-by-run grid and its legend."""
    lines = [f"trend of {trend.supplier} against {trend.profile_id}: {len(trend.runs)} runs", ""]
    for run in trend.runs:
        r = run.record
        lines.append(f"  run {run.id:>4}  {run.recorded_at}  {r.verdict.replace('_', ' '):14}  score {r.score:<6}  MUSTs failed {r.musts_failed}")
    width = 8
    lines += ["", f"{'requirement':14}{'level':8}" + "".join(f"{'#' + str(run.id):>{width}}" for run in trend.runs)]
    for req in trend.requirements:
        cells = "".join(f"{cell_text(trend.status(run, req.id)):>{width}}" for run in trend.runs)
        lines.append(f"{req.id:14}{req.level:8}{cells}")
    legend = ", ".join(f"{symbol} {short or label}" + (f" = {label}" if short else "") for symbol, short, label in (*CELLS.values(), ABSENT))
    return [*lines, "", f"legend: {legend}"]
