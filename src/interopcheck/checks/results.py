"""What a check function returns: a decision without its ID or timing (the runner adds those)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from interopcheck.model import Finding, Status


@dataclass(frozen=True)
class Decision:
    """A check's pass/fail (or skip/not_applicable) with its summary, findings and evidence."""

    status: Status
    summary: str
    findings: tuple[Finding, ...] = ()
    evidence: tuple[Finding, ...] = ()


def passed(summary: str, evidence: Iterable[Finding] = ()) -> Decision:
    """The check looked and found nothing wrong; `evidence` shows what it looked at."""
    return Decision(Status.PASS, summary, (), tuple(evidence))


def failed(summary: str, findings: Iterable[Finding], evidence: Iterable[Finding] = ()) -> Decision:
    """The check found the API does not meet it; `findings` prove it."""
    return Decision(Status.FAIL, summary, tuple(findings), tuple(evidence))


def skipped(reason: str) -> Decision:
    """A precondition is missing, so the check could not decide."""
    return Decision(Status.SKIP, reason)


def not_applicable(reason: str) -> Decision:
    """The check does not apply to this API (say why)."""
    return Decision(Status.NOT_APPLICABLE, reason)


def errored(reason: str, findings: Iterable[Finding] = ()) -> Decision:
    """The tool or the sandbox broke so the check could not decide (never the supplier's fail)."""
    return Decision(Status.ERROR, reason, tuple(findings))


def from_findings(
    findings: Iterable[Finding],
    *,
    ok: str,
    bad: str,
    evidence: Iterable[Finding] = (),
    max_findings: int = 200,
) -> Decision:
    """Pass with `ok` when there are no findings, else fail with `bad` (`{n}` is the count).

    Keeps at most `max_findings` findings so a 13 MB spec cannot make a 100 MB report;
    the summary still gives the full count.
    """
    found = list(findings)
    if not found:
        return passed(ok, evidence)
    kept = found[:max_findings]
    summary = bad.format(n=len(found))
    if len(found) > max_findings:
        summary += f" (first {max_findings} shown)"
    return failed(summary, kept, evidence)
