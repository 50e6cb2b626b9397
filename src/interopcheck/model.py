"""Frozen dataclasses for everything a run produces: findings, check results, outcomes, the report.

These are the contract between checks, the evaluator and the report writers. The canonical
JSON report is `dataclasses.asdict` of `Report` (see `report/json_report.py`), so adding a
field here changes the published report schema (`report/report.schema.json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_TEXT_CHARS = 2_000  # a finding's message or a check's summary; the whole value stays in the input


def clip_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`text` cut to `limit` characters, saying how much was cut.

    A hostile or broken description can put megabytes into one value (a 45 MB `openapi` string);
    quoting it whole into every report format multiplies it. Reports quote, they do not copy.
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters not shown)"


class Level(StrEnum):
    """RFC 2119 strength of a requirement."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    MAY = "MAY"


class Mode(StrEnum):
    """What a requirement needs to be decided."""

    STATIC = "static"  # the OpenAPI document (and declaration) alone
    LIVE = "live"  # a running sandbox
    EXPORT = "export"  # the sandbox's bulk export
    ATTESTATION = "attestation"  # the supplier's signed word


class Status(StrEnum):
    """Outcome of a check or a requirement."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"  # a SHOULD or MAY not met
    SKIP = "skip"  # a precondition missing (no sandbox, no declaration)
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"  # the tool or the sandbox broke: never a pass, never the supplier's fail
    ATTESTED = "attested"  # claimed by the supplier, not verifiable by machine


class Verdict(StrEnum):
    """The run's answer: conformant only when every MUST passed."""

    CONFORMANT = "conformant"
    NOT_CONFORMANT = "not_conformant"
    INCOMPLETE = "incomplete"  # a MUST errored or was skipped: the verdict is unknown


@dataclass(frozen=True)
class Location:
    """A place in the API description: JSON pointer, and line (1-based) in `file` when known."""

    pointer: str
    line: int | None = None
    file: str | None = None


@dataclass(frozen=True)
class HttpRequest:
    """A request as sent, secrets already redacted."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


@dataclass(frozen=True)
class HttpResponse:
    """A response as received, body truncated to the evidence cap; secrets redacted."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    body_truncated: bool = False
    elapsed_ms: float | None = None


@dataclass(frozen=True)
class Exchange:
    """One HTTP exchange kept as evidence, with a curl line that reproduces it (redacted)."""

    request: HttpRequest
    response: HttpResponse | None = None
    curl: str = ""
    error: str | None = None  # transport failure (timeout, refused, too large) instead of a response


@dataclass(frozen=True)
class Finding:
    """One specific problem (or, for a pass, one piece of evidence) a check found."""

    message: str
    location: Location | None = None
    exchange: Exchange | None = None
    data: dict[str, Any] | None = None  # structured detail: counts, the failing record, a code

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", clip_text(self.message))


@dataclass(frozen=True)
class CheckResult:
    """What one check decided. Findings say why; for a pass, `evidence` shows what was seen."""

    check_id: str
    status: Status
    summary: str
    findings: tuple[Finding, ...] = ()
    evidence: tuple[Finding, ...] = ()
    duration_ms: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", clip_text(self.summary))


@dataclass(frozen=True)
class Source:
    """Where a requirement comes from: a citation, a link, the section quoted and the quote.

    `quote` is verbatim text read from the source; when it could not be read, `unverified` says
    why, so a register never passes off a paraphrase as the source's words.
    """

    citation: str
    url: str | None = None
    anchor: str | None = None  # deep link to the section quoted (URL with #fragment, or a page-specific path)
    quote: str | None = None
    unverified: str | None = None


@dataclass(frozen=True)
class Change:
    """One recorded change to a requirement: the profile version that made it, and what changed."""

    version: str
    change: str


@dataclass(frozen=True)
class Evidence:
    """How a requirement is decided (machine-check, attestation, document-review) and at which tender stages."""

    method: str
    stages: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttestationTerms:
    """The fixed statement a supplier signs for an attestation requirement, and whether it needs an evidence link.

    The profile fixes the words so every bidder signs the same promise; a declaration that words it
    differently is refused (see `interopcheck.declaration_attestations`).
    """

    statement: str
    evidence: str = "optional"  # optional | required (e.g. a published price list)


@dataclass(frozen=True)
class Requirement:
    """One entry of a profile's register."""

    id: str
    title: str
    level: Level
    mode: Mode
    source: tuple[Source, ...]
    checks: tuple[str, ...] = ()
    description: str | None = None
    not_tested_reason: str | None = None
    family: str | None = None
    origin: str | None = None  # the profile or overlay file that last defined or changed it
    modules: tuple[str, ...] = ()  # the profile modules it belongs to; empty: it applies to every tender
    statement: str | None = None  # the normative sentence, with the RFC 2119 verb of `level`
    actor: str | None = None  # system | supplier | council
    since: str | None = None  # the profile version that introduced it
    status: str = "active"  # active | deprecated | withdrawn
    changed: tuple[Change, ...] = ()
    evidence: Evidence | None = None
    attestation: AttestationTerms | None = None  # mode attestation: the statement the supplier signs


@dataclass(frozen=True)
class Outcome:
    """The single outcome of one requirement, from its checks' results."""

    requirement_id: str
    title: str
    level: Level
    mode: Mode
    status: Status
    reason: str
    checks: tuple[CheckResult, ...] = ()
    claimed: str | None = None  # what the supplier's declaration says for this requirement
    since: str | None = None  # the profile version that introduced the requirement
    attestation: dict[str, Any] | None = None  # attested: the statement, signed_by {name, role, organisation}, date, evidence_url


@dataclass(frozen=True)
class Score:
    """A number for comparison; the verdict never depends on it. `formula` is printed."""

    value: float
    formula: str
    passed_weight: float
    total_weight: float


@dataclass(frozen=True)
class Counts:
    """How many requirements ended in each status, and how many MUSTs failed."""

    by_status: dict[str, int]
    musts_failed: int
    musts_total: int


@dataclass(frozen=True)
class ProfileRef:
    """The profile a run used, pinned by a hash of its resolved content."""

    id: str
    version: str
    sha256: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class RunInfo:
    """Everything needed to reproduce the run; secrets never appear here."""

    tool: str
    tool_version: str
    started_at: str
    finished_at: str
    spec_source: str | None
    spec_sha256: str | None
    base_url: str | None
    seed: int
    writes_allowed: bool
    declaration_source: str | None
    declaration_sha256: str | None
    options: dict[str, Any] = field(default_factory=dict)
    supplier: str | None = None  # the supplier named in the declaration (`compare` names bidders by it)
    interrupted: bool = False  # Ctrl-C stopped the run: the checks not run are skipped and the verdict is incomplete


@dataclass(frozen=True)
class Report:
    """The canonical result of a run; every other format is rendered from its JSON."""

    schema_version: str
    run: RunInfo
    profile: ProfileRef
    verdict: Verdict
    score: Score
    counts: Counts
    outcomes: tuple[Outcome, ...]
    not_tested: tuple[dict[str, str], ...] = ()  # requirement id + why it could not be tested
    declaration_coverage: dict[str, Any] | None = None
    modules: dict[str, Any] | None = None  # required, required_from, offered, offered_from, applicable, entities
    standards_year: int | None = None  # the collection year code lists were checked against (2026 = 2026/27)
    settings: dict[str, Any] | None = None  # each option's value and source (flag, env, config, default): `check` only
    summary: dict[str, Any] | None = None  # decided of total, skips by reason, shared causes, the preflight (scoring.summary_of)
    valid_until: str | None = None  # the last day (ISO date) the report is valid: finished + the profile's report_validity_days
    environment: str | None = None  # sandbox | production: what the run tested (--environment)
    measures: tuple[dict[str, Any], ...] | None = None  # Tenant Satisfaction Measures computed from the export (check returns.tsm)
