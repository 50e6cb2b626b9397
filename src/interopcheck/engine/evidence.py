"""Keep reports small enough to email: trim HTTP bodies kept as evidence, never the verdict's reasons.

The live client keeps up to its own cap of each body; a report needs only enough to show the
problem. Bodies of exchanges behind a failure keep more than those shown as evidence of a pass.
The full exchanges stay available in the HAR transcript (`--transcript`).
"""

from __future__ import annotations

from dataclasses import replace

from interopcheck.model import CheckResult, Exchange, Finding, HttpRequest, HttpResponse

FINDING_BODY_CHARS = 4096
EVIDENCE_BODY_CHARS = 1024


def _clip(text: str | None, limit: int) -> tuple[str | None, bool]:
    if text is None or len(text) <= limit:
        return text, False
    return text[:limit], True


def _trim_exchange(exchange: Exchange, limit: int) -> Exchange:
    request: HttpRequest = exchange.request
    body, _ = _clip(request.body, limit)
    if body is not request.body:
        request = replace(request, body=body)
    response: HttpResponse | None = exchange.response
    if response is not None:
        text, clipped = _clip(response.body, limit)
        if clipped:
            response = replace(response, body=text, body_truncated=True)
    return replace(exchange, request=request, response=response)


def _trim_finding(finding: Finding, limit: int) -> Finding:
    if finding.exchange is None:
        return finding
    return replace(finding, exchange=_trim_exchange(finding.exchange, limit))


def trim(result: CheckResult) -> CheckResult:
    """`result` with every kept HTTP body cut to the report's caps (and marked truncated)."""
    return replace(
        result,
        findings=tuple(_trim_finding(f, FINDING_BODY_CHARS) for f in result.findings),
        evidence=tuple(_trim_finding(f, EVIDENCE_BODY_CHARS) for f in result.evidence),
    )
