"""Outcome, verdict and score rules of engine/evaluate.py."""

from __future__ import annotations

import pytest

from interopcheck.declaration import Declaration
from interopcheck.engine import evaluate
from interopcheck.model import CheckResult, Level, Mode, Requirement, Source, Status, Verdict


def req(rid: str, level: Level = Level.MUST, mode: Mode = Mode.STATIC, checks: tuple[str, ...] = ("a",), **kw: object) -> Requirement:
    return Requirement(rid, f"title {rid}", level, mode, (Source("GDS"),), checks, **kw)  # type: ignore[arg-type]


def res(check_id: str, status: Status, summary: str = "why") -> CheckResult:
    return CheckResult(check_id, status, summary)


@pytest.mark.parametrize(
    ("statuses", "level", "expected"),
    [
        ((Status.PASS, Status.PASS), Level.MUST, Status.PASS),
        ((Status.PASS, Status.FAIL), Level.MUST, Status.FAIL),
        ((Status.PASS, Status.FAIL), Level.SHOULD, Status.WARN),
        ((Status.ERROR, Status.FAIL), Level.MUST, Status.FAIL),
        ((Status.PASS, Status.ERROR), Level.MUST, Status.ERROR),
        ((Status.SKIP, Status.ERROR), Level.MUST, Status.ERROR),
        ((Status.PASS, Status.SKIP), Level.MUST, Status.SKIP),
        ((Status.NOT_APPLICABLE, Status.NOT_APPLICABLE), Level.MUST, Status.NOT_APPLICABLE),
        ((Status.NOT_APPLICABLE, Status.PASS), Level.MUST, Status.PASS),
    ],
)
def test_requirement_outcome_combines_its_checks(statuses: tuple[Status, ...], level: Level, expected: Status) -> None:
    ids = tuple(f"c{i}" for i in range(len(statuses)))
    results = {cid: res(cid, s, f"{cid} said {s.value}") for cid, s in zip(ids, statuses)}
    outcome = evaluate.evaluate_requirement(req("R", level, checks=ids), results, None)
    assert outcome.status is expected
    assert len(outcome.checks) == len(statuses)
    if expected in (Status.FAIL, Status.WARN):
        assert "said fail" in outcome.reason and "said pass" not in outcome.reason


def _declaration(attest: bool) -> Declaration:
    data: dict = {"entities": {}, "attestations": []}
    if attest:
        data["attestations"] = [
            {"requirement": "ATT", "statement": "No charge.", "signed_by": {"name": "A. Person", "role": "CTO"}, "date": "2026-11-01"}
        ]
    return Declaration.from_dict(data)


def test_attestation_outcomes() -> None:
    r = req("ATT", mode=Mode.ATTESTATION, checks=())
    assert evaluate.evaluate_requirement(r, {}, None).status is Status.SKIP
    missing = evaluate.evaluate_requirement(r, {}, _declaration(False))
    assert missing.status is Status.FAIL and "does not attest" in missing.reason
    should = req("ATT", Level.SHOULD, Mode.ATTESTATION, checks=())
    assert evaluate.evaluate_requirement(should, {}, _declaration(False)).status is Status.WARN
    attested = evaluate.evaluate_requirement(r, {}, _declaration(True))
    assert attested.status is Status.ATTESTED
    assert "A. Person" in attested.reason and attested.claimed == "No charge."


def test_requirement_without_checks_is_skipped_with_its_reason() -> None:
    outcome = evaluate.evaluate_requirement(req("X", checks=(), not_tested_reason="needs a human"), {}, None)
    assert outcome.status is Status.SKIP and "needs a human" in outcome.reason


def _outcomes(*pairs: tuple[Level, Status]) -> list:
    return [
        evaluate.evaluate_requirement(req(f"R{i}", level, checks=("c",)), {"c": res("c", status)}, None)
        for i, (level, status) in enumerate(pairs)
    ]


def test_verdict_rules() -> None:
    assert evaluate.verdict_of(_outcomes((Level.MUST, Status.PASS), (Level.SHOULD, Status.FAIL))) is Verdict.CONFORMANT
    assert evaluate.verdict_of(_outcomes((Level.MUST, Status.PASS), (Level.MUST, Status.FAIL))) is Verdict.NOT_CONFORMANT
    assert evaluate.verdict_of(_outcomes((Level.MUST, Status.ERROR), (Level.MUST, Status.FAIL))) is Verdict.NOT_CONFORMANT
    assert evaluate.verdict_of(_outcomes((Level.MUST, Status.PASS), (Level.MUST, Status.SKIP))) is Verdict.INCOMPLETE
    assert evaluate.verdict_of(_outcomes((Level.MUST, Status.NOT_APPLICABLE))) is Verdict.CONFORMANT


def test_score_weights_and_formula() -> None:
    outcomes = _outcomes((Level.MUST, Status.PASS), (Level.SHOULD, Status.FAIL), (Level.MAY, Status.SKIP))
    score = evaluate.score_of(outcomes)
    assert (score.passed_weight, score.total_weight) == (3, 5)
    assert score.value == 60.0
    assert "MUST=3" in score.formula


def test_counts_list_every_status() -> None:
    counts = evaluate.counts_of(_outcomes((Level.MUST, Status.FAIL), (Level.MUST, Status.PASS), (Level.SHOULD, Status.FAIL)))
    assert counts.by_status["fail"] == 1 and counts.by_status["warn"] == 1 and counts.by_status["attested"] == 0
    assert (counts.musts_failed, counts.musts_total) == (1, 2)


def test_reason_leads_with_plain_language_and_names_the_check_after() -> None:
    """A board reads the reason first; the check ID is a pointer for the engineer, so it comes after."""
    results = {"live.reachable": res("live.reachable", Status.PASS, "the root answered HTTP 404, which is fine"),
               "live.tls": res("live.tls", Status.PASS, "TLS 1.3")}
    outcome = evaluate.evaluate_requirement(req("R", checks=("live.reachable", "live.tls")), results, None)
    assert outcome.reason == "the root answered HTTP 404, which is fine (live.reachable); TLS 1.3 (live.tls)"
