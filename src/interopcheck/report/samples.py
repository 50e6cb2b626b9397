"""Two sample reports built from the model's dataclasses: a conformant supplier and a flawed one.

Used by the report tests, the browser test and the example reports, so every format can be seen
(and checked) without running a sandbox. The flawed one has every kind of outcome and evidence.
"""

from __future__ import annotations

from interopcheck.report.json_report import REPORT_SCHEMA_VERSION
from interopcheck.model import (
    CheckResult,
    Exchange,
    Finding,
    HttpRequest,
    HttpResponse,
    Level,
    Location,
    Mode,
    Outcome,
    ProfileRef,
    Report,
    RunInfo,
    Status,
)

PROFILE = ProfileRef("housing", "1.0.0", "a" * 64, ("profiles/housing/profile.yaml",))
NASTY = 'server "http://sandbox.test" | uses <script>alert(1)</script>\nplain HTTP `not TLS` & more'
_ATTESTATION = "API access and bulk export carry no charge beyond the licence fee."


def _run(base_url: str | None) -> RunInfo:
    """Fixed run metadata, so the sample reports are byte-for-byte reproducible."""
    return RunInfo(
        tool="interopcheck",
        tool_version="0.1.0",
        started_at="2026-11-01T10:00:00Z",
        finished_at="2026-11-01T10:02:30Z",
        spec_source="openapi.yaml",
        spec_sha256="b" * 64,
        base_url=base_url,
        seed=42,
        writes_allowed=False,
        declaration_source="declaration.yaml",
        declaration_sha256="c" * 64,
        options={"formats": ["json", "html"]},
    )


def _exchange(url: str, status: int, body: str, *, elapsed: float = 12.5) -> Exchange:
    """A redacted GET exchange with a JSON response and its curl line."""
    return Exchange(
        HttpRequest("GET", url, {"accept": "application/json", "authorization": "Bearer [REDACTED]"}),
        HttpResponse(status, {"content-type": "application/json"}, body, False, elapsed),
        curl=f"curl -H 'Authorization: Bearer $TOKEN' '{url}'",
    )


def _check(check_id: str, status: Status, summary: str, findings: tuple[Finding, ...] = (),
           evidence: tuple[Finding, ...] = ()) -> CheckResult:
    """A check result with a fixed duration."""
    return CheckResult(check_id, status, summary, findings, evidence, 3.0)


def _report(outcomes: tuple[Outcome, ...], base_url: str | None) -> Report:
    """The report of `outcomes`, with verdict, score, counts and not-tested list from the evaluator."""
    from interopcheck.scoring import counts_of, not_tested, score_of, verdict_of

    class _Req:
        """Stands in for a Requirement where not_tested() only reads not_tested_reason."""

        not_tested_reason = "a contractual commitment"

    return Report(
        schema_version=REPORT_SCHEMA_VERSION,
        run=_run(base_url),
        profile=PROFILE,
        verdict=verdict_of(outcomes),
        score=score_of(outcomes),
        counts=counts_of(outcomes),
        outcomes=outcomes,
        not_tested=not_tested(outcomes, {o.requirement_id: _Req() for o in outcomes}),  # type: ignore[misc]
        declaration_coverage={
            "entities": {
                "property": {"entity": "property", "required": 12, "mapped": 12, "compatible": 12, "coverage": 1.0},
                "tenancy": {"entity": "tenancy", "required": 8, "mapped": 6, "compatible": 5, "coverage": 0.625},
            },
            "required": 20,
            "mapped": 18,
            "coverage": 0.9,
        },
        modules={
            "required": ["tenancy-management", "repairs"],
            "required_from": "flag",
            "offered": ["tenancy-management", "repairs", "leasehold"],
            "offered_from": "declaration",
            "applicable": ["tenancy-management", "repairs", "leasehold"],
            "entities": ["property", "person", "tenancy", "repair", "leasehold"],
            "not_applicable": [
                {"module": m, "reason": f"module {m} is neither required by the tender nor offered by the product"}
                for m in ("rents", "asb", "homelessness")
            ],
        },
        standards_year=2026,
        measures=_MEASURES,
    )


#: Three sample measures: one computed, one missing a field, one whose entity was not read.
_MEASURES = tuple(
    {"id": i, "title": title, "formula": formula, "numerator": num, "denominator": den, "value": value, "unit": unit,
     "period": "2025-04-01/2026-03-31", "source": "Regulator of Social Housing, TSM Technical requirements <https://www.gov.uk/government/publications/tenant-satisfaction-measures-technical-requirements> (unverified: not stored)",
     "missing": missing, "note": note}
    for i, title, formula, num, den, value, unit, missing, note in (
        ("RP02(1)", "Proportion of non-emergency responsive repairs completed within the landlord's target timescale",
         "A / B x 100, where A: non-emergency repairs completed in time; B: non-emergency repairs completed", 45, 50, 90.0, "%", None, None),
        ("NM01(2)", "Number of anti-social behaviour cases that involve hate incidents opened per 1,000 homes",
         "A / B x 1000, where A: cases opened with hate_incident true; B: homes", 3, 400, None, "per 1,000 homes", 2, None),
        ("BS01", "Proportion of homes for which all required gas safety checks have been carried out",
         "A / B x 100, where A: homes in date at the year end; B: homes with a gas-safety certificate", None, None, None, "%", None,
         "no compliance-certificate export is declared"),
    )
)


def conformant_report() -> Report:
    """A supplier that meets every MUST and SHOULD tested."""
    page = _exchange("https://sandbox.test/v1/properties?page=2", 200, '{"data": [], "links": {}}')
    outcomes = (
        Outcome("HSG-API-01", "Served over HTTPS only", Level.MUST, Mode.STATIC, Status.PASS,
                "every server URL uses https (spec.https-servers)",
                (_check("spec.https-servers", Status.PASS, "every server URL uses https",
                        evidence=(Finding("https://sandbox.test/v1", Location("/servers/0/url", 7)),)),)),
        Outcome("HSG-API-03", "Description, contact and licence in info", Level.SHOULD, Mode.STATIC, Status.PASS,
                "info has description, contact and licence (spec.info-complete)",
                (_check("spec.info-complete", Status.PASS, "info has description, contact and licence"),)),
        Outcome("HSG-API-14", "Pagination walks to its end", Level.MUST, Mode.LIVE, Status.PASS,
                "walked 3 pages, 250 records, no duplicates (live.pagination)",
                (_check("live.pagination", Status.PASS, "walked 3 pages, 250 records, no duplicates",
                        evidence=(Finding("last page", exchange=page, data={"pages": 3, "records": 250}),)),)),
        Outcome("HSG-API-21", "Responses within 2 s", Level.SHOULD, Mode.LIVE, Status.PASS,
                "median 40 ms, p95 120 ms (live.response-time)",
                (_check("live.response-time", Status.PASS, "median 40 ms, p95 120 ms"),)),
        Outcome("HSG-EXP-07", "Asynchronous bulk export job", Level.MAY, Mode.EXPORT, Status.PASS,
                "the $export job completed (export.async-job)",
                (_check("export.async-job", Status.PASS, "the $export job completed"),)),
        Outcome("HSG-SEC-02", "TLS 1.2 or better", Level.MUST, Mode.LIVE, Status.NOT_APPLICABLE,
                "plain loopback http, TLS not applicable (live.tls)",
                (_check("live.tls", Status.NOT_APPLICABLE, "plain loopback http, TLS not applicable"),)),
        Outcome("HSG-ATT-01", "No extra charge for API access or bulk export", Level.MUST, Mode.ATTESTATION,
                Status.ATTESTED, "attested by A. Person, Chief Technology Officer on 2026-11-01; not verifiable by machine",
                (), _ATTESTATION),
    )
    return _report(outcomes, "https://sandbox.test/v1")


def flawed_report() -> Report:
    """A supplier with static and live failures, a warning, an error, a skip and an attestation."""
    bad_page = _exchange("https://sandbox.test/v1/properties?page=2", 200,
                         '{"data": [{"id": "p1"}], "links": {"next": "/v1/properties?page=2"}}')
    timeout = Exchange(HttpRequest("GET", "https://sandbox.test/v1/repairs"), None,
                       "curl 'https://sandbox.test/v1/repairs'", error="read timeout after 30 s")
    outcomes = (
        Outcome("HSG-API-01", "Served over HTTPS only", Level.MUST, Mode.STATIC, Status.FAIL,
                "1 server URL uses plain http (spec.https-servers)",
                (_check("spec.https-servers", Status.FAIL, "1 server URL uses plain http",
                        (Finding(NASTY, Location("/servers/0/url", 7)),)),)),
        Outcome("HSG-API-03", "Description, contact and licence in info", Level.SHOULD, Mode.STATIC, Status.WARN,
                "info has no licence (spec.info-complete)",
                (_check("spec.info-complete", Status.FAIL, "info has no licence",
                        (Finding("info.license is missing", Location("/info", 2)),)),)),
        Outcome("HSG-API-14", "Pagination walks to its end", Level.MUST, Mode.LIVE, Status.FAIL,
                "page 2 links to itself (a loop) (live.pagination)",
                (_check("live.pagination", Status.FAIL, "page 2 links to itself (a loop)",
                        (Finding("next link of page 2 points back to page 2", exchange=bad_page,
                                 data={"pages_walked": 2, "repeated_url": "/v1/properties?page=2"}),)),),
                "property: collection listProperties, item getProperty, identity mapping"),
        Outcome("HSG-API-21", "Responses within 2 s", Level.SHOULD, Mode.LIVE, Status.ERROR,
                "the sandbox timed out (live.response-time)",
                (_check("live.response-time", Status.ERROR, "the sandbox timed out",
                        (Finding("GET /v1/repairs timed out", exchange=timeout),)),)),
        Outcome("HSG-EXP-07", "Asynchronous bulk export job", Level.MAY, Mode.EXPORT, Status.SKIP,
                "the declaration names no export_job (export.async-job)",
                (_check("export.async-job", Status.SKIP, "the declaration names no export_job"),)),
        Outcome("HSG-SEC-02", "TLS 1.2 or better", Level.MUST, Mode.LIVE, Status.NOT_APPLICABLE,
                "plain loopback http, TLS not applicable (live.tls)",
                (_check("live.tls", Status.NOT_APPLICABLE, "plain loopback http, TLS not applicable"),)),
        Outcome("HSG-ATT-01", "No extra charge for API access or bulk export", Level.MUST, Mode.ATTESTATION,
                Status.ATTESTED, "attested by A. Person, Chief Technology Officer on 2026-11-01; not verifiable by machine",
                (), _ATTESTATION),
    )
    return _report(outcomes, "https://sandbox.test/v1")
