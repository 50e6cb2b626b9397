"""Which requirements of a profile are decided by checks, which are attested, and which by nothing.

The coverage listing is how a borough sees, before a tender goes out, that every MUST is either
tested by a check or carries a reason why no machine can test it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from interopcheck.errors import ProfileError
from interopcheck.model import Level, Mode
from interopcheck.profile.load import Profile

TESTED = "tested"  # decided by one or more checks
ATTESTED = "attested"  # no check: the supplier's signed statement, with why no machine can test it
NOT_TESTED = "not-tested"  # no check, not an attestation, but a reason is given
MISSING = "missing"  # neither checks nor a reason: a defect of the profile (fatal for a MUST)


@dataclass(frozen=True)
class CoverageRow:
    """One requirement: its checks (with titles where known) or why it is not tested."""

    requirement_id: str
    level: Level
    mode: Mode
    title: str
    status: str
    checks: tuple[str, ...]
    check_titles: tuple[str, ...]
    unknown_checks: tuple[str, ...]
    not_tested_reason: str | None


@dataclass(frozen=True)
class CoverageSummary:
    """The counts an officer reads first: MUSTs with checks, attested, untested; unknown check ids."""

    requirements: int
    musts: int
    musts_with_checks: int
    musts_attested: int
    musts_untested: int  # MUSTs with neither checks nor a reason: must be 0
    with_checks: int
    unknown_checks: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when every MUST is tested or explained and every cited check exists."""
        return self.musts_untested == 0 and not self.unknown_checks


@dataclass(frozen=True)
class Coverage:
    """The coverage of one profile by a set of checks."""

    profile_id: str
    profile_version: str
    rows: tuple[CoverageRow, ...]
    summary: CoverageSummary
    figure: CoverageFigure | None = None


def coverage(profile: Profile, checks: Mapping[str, str]) -> Coverage:
    """Each requirement of `profile` with its checks (`checks` maps known check id -> title) or its reason."""
    rows = []
    for req in profile.requirements:
        if req.checks:
            status = TESTED
        elif req.not_tested_reason:
            status = ATTESTED if req.mode is Mode.ATTESTATION else NOT_TESTED
        else:
            status = MISSING
        rows.append(
            CoverageRow(
                requirement_id=req.id,
                level=req.level,
                mode=req.mode,
                title=req.title,
                status=status,
                checks=req.checks,
                check_titles=tuple(checks.get(c, "") for c in req.checks),
                unknown_checks=tuple(c for c in req.checks if c not in checks),
                not_tested_reason=req.not_tested_reason,
            )
        )
    musts = [r for r in rows if r.level is Level.MUST]
    summary = CoverageSummary(
        requirements=len(rows),
        musts=len(musts),
        musts_with_checks=sum(r.status == TESTED for r in musts),
        musts_attested=sum(r.status in (ATTESTED, NOT_TESTED) for r in musts),
        musts_untested=sum(r.status == MISSING for r in musts),
        with_checks=sum(r.status == TESTED for r in rows),
        unknown_checks=tuple(sorted({c for r in rows for c in r.unknown_checks})),
    )
    return Coverage(profile.id, profile.version, tuple(rows), summary, coverage_figure(profile))


#: Checks that validate every field of an entity's records (the entity is the id's last part).
_WHOLE_RECORD = ("live.records.", "export.records.", "data.mapping.")
#: Checks that exercise one named standard field.
_ONE_FIELD = {"live.uprn-valid": ("property", "/uprn")}


@dataclass(frozen=True)
class CoverageFigure:
    """The figure an officer quotes: how the MUSTs are decided, and how much of the data standard checks exercise.

    `musts_machine` are decided by a machine check, `musts_attested` by the supplier's signed word and
    `musts_not_tested` by neither (a reason, or nothing). A standard field is exercised when a cited
    check validates it: a record check of its entity (live.records, export.records, data.mapping) or a
    check of that one field (live.uprn-valid). `quoted` counts requirements with a verbatim quote.
    """

    requirements: int
    musts: int
    musts_machine: int
    musts_attested: int
    musts_not_tested: int
    fields_total: int
    fields_exercised: int
    coded_fields: int
    coded_checked: bool  # data.code-lists is cited: coded fields are compared with the standard's code lists
    quoted: int
    exercised: dict[str, tuple[str, ...]] = field(default_factory=dict)  # entity -> the standard fields checks exercise

    def lines(self) -> tuple[str, ...]:
        """The figure as sentences, for `profile coverage` and the annex."""
        codes = "compared with the standard's code lists (data.code-lists)" if self.coded_checked else "not compared with code lists by any cited check"
        return (
            f"{self.musts_machine} of {self.musts} MUSTs are decided by a machine check, {self.musts_attested} by the supplier's attestation, "
            f"{self.musts_not_tested} are not tested.",
            f"Checks exercise {self.fields_exercised} of the {self.fields_total} standard fields of the entities; "
            f"{self.coded_fields} of them are coded, {codes}.",
            f"{self.quoted} of {self.requirements} requirements quote their source verbatim.",
        )


def coverage_figure(profile: Profile) -> CoverageFigure:
    """The coverage figure of `profile` (see CoverageFigure); standard fields are read from the bundled standards."""
    from interopcheck.entities import ENTITIES
    from interopcheck.standards.registry import load_standards

    musts = [r for r in profile.requirements if r.level is Level.MUST]
    machine = sum(bool(r.checks) and r.mode is not Mode.ATTESTATION for r in musts)
    attested = sum(not r.checks and r.mode is Mode.ATTESTATION for r in musts)
    cited = {c for r in profile.requirements for c in r.checks}
    registry = load_standards()
    total = coded = 0
    exercised: dict[str, tuple[str, ...]] = {}
    for entity in ENTITIES:
        try:
            specs = {p: s for p, s in registry.fields(entity).items() if p.count("/") == 1}
        except Exception:  # noqa: BLE001 - an entity whose standard is not bundled has no fields to count
            continue
        total += len(specs)
        coded += sum(_coded(s) for s in specs.values())
        if any(f"{prefix}{entity}" in cited for prefix in _WHOLE_RECORD):
            exercised[entity] = tuple(sorted(specs))
        else:
            named = tuple(sorted(p for c, (e, p) in _ONE_FIELD.items() if c in cited and e == entity and p in specs))
            if named:
                exercised[entity] = named
    return CoverageFigure(
        requirements=len(profile.requirements),
        musts=len(musts),
        musts_machine=machine,
        musts_attested=attested,
        musts_not_tested=len(musts) - machine - attested,
        fields_total=total,
        fields_exercised=sum(len(v) for v in exercised.values()),
        coded_fields=coded,
        coded_checked="data.code-lists" in cited,
        quoted=sum(any(s.quote for s in r.source) for r in profile.requirements),
        exercised=exercised,
    )


def _coded(spec: object) -> bool:
    """Whether a standard field takes codes: an enum of more than one value (a constant is not a code list)."""
    enum = getattr(spec, "enum", None)
    items = getattr(spec, "items", None)
    codes = enum if enum is not None else getattr(items, "enum", None)
    return codes is not None and len(codes) > 1


def require_complete(cov: Coverage) -> None:
    """Raise ProfileError when a MUST has neither checks nor a reason, or a cited check does not exist."""
    untested = [r.requirement_id for r in cov.rows if r.level is Level.MUST and r.status == MISSING]
    if untested:
        raise ProfileError(
            f"profile {cov.profile_id}: MUST requirements with neither checks nor a not_tested_reason: {', '.join(untested)}",
            hint="add the check ids that decide them, or a not_tested_reason",
        )
    if cov.summary.unknown_checks:
        raise ProfileError(
            f"profile {cov.profile_id} cites checks that do not exist: {', '.join(cov.summary.unknown_checks)}",
            hint="use the check ids listed in docs/CONTRACTS.md",
        )


def format_coverage(cov: Coverage) -> str:
    """The coverage as a Markdown table and summary, for `interopcheck profile coverage`."""
    lines = [
        f"# Coverage of profile {cov.profile_id} {cov.profile_version}",
        "",
        "| ID | Level | Mode | Status | Checks or reason |",
        "|---|---|---|---|---|",
    ]
    for row in cov.rows:
        if row.checks:
            how = ", ".join(f"{c} (unknown)" if c in row.unknown_checks else c for c in row.checks)
        else:
            how = row.not_tested_reason or "NOTHING: add checks or a not_tested_reason"
        lines.append(f"| {row.requirement_id} | {row.level.value} | {row.mode.value} | {row.status} | {how.replace('|', '/')} |")
    s = cov.summary
    lines += [
        "",
        f"{s.requirements} requirements, {s.with_checks} decided by checks. "
        f"MUSTs: {s.musts} in all, {s.musts_with_checks} with checks, {s.musts_attested} attested or explained, "
        f"{s.musts_untested} with neither.",
    ]
    if s.unknown_checks:
        lines.append(f"Unknown check ids: {', '.join(s.unknown_checks)}.")
    if cov.figure is not None:
        lines += ["", "## Coverage figure", "", *cov.figure.lines()]
    return "\n".join(lines) + "\n"
