"""What the history holds about one run: frozen dataclasses, no I/O.

Only outcomes, reasons (after redaction), hashes and paths: never secrets, response bodies or findings.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Statuses that count as meeting a requirement (a regression starts from one of these).
MET = frozenset({"pass", "attested"})
#: Statuses that count as not meeting it (a regression ends in one of these).
UNMET = frozenset({"fail", "warn", "error"})


@dataclass(frozen=True)
class OutcomeRow:
    """One requirement's outcome in one run."""

    requirement_id: str
    level: str
    status: str
    reason: str
    title: str = ""


@dataclass(frozen=True)
class RunRecord:
    """Everything one `check` records: who, against what, the verdict, and each requirement's outcome."""

    supplier: str
    environment: str
    profile_id: str
    profile_version: str
    verdict: str
    score: float
    musts_failed: int
    musts_total: int
    outcomes: tuple[OutcomeRow, ...] = ()
    profile_sha256: str | None = None
    standards_year: int | None = None
    spec_source: str | None = None
    spec_sha256: str | None = None
    tool_version: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    report_path: str | None = None
    report_sha256: str | None = None
    #: (part, sha256): each operation ("GET /v1/properties") and top-level member ("#/servers") of the spec, hashed.
    spec_parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StoredRun:
    """A run as the history holds it: its id and when it was recorded, plus the record (outcomes loaded on demand)."""

    id: int
    recorded_at: str
    record: RunRecord

    def outcome(self, requirement_id: str) -> OutcomeRow | None:
        """This run's outcome of `requirement_id`, if it has one."""
        return next((o for o in self.record.outcomes if o.requirement_id == requirement_id), None)
