"""Comparing runs: regressions, improvements, status and reason changes, spec changes by operation."""

from __future__ import annotations

from interopcheck.history.compare import diff_runs, regressions_section
from interopcheck.history.records import StoredRun

from .helpers import record


def _run(run_id: int, **kw: object) -> StoredRun:
    return StoredRun(run_id, f"2026-12-0{run_id}T00:00:00+00:00", record(**kw))  # type: ignore[arg-type]


def test_a_must_that_passed_and_now_fails_is_a_regression_and_back_again_an_improvement() -> None:
    good, bad = _run(1), _run(2, statuses={"HSG-API-01": "fail", "HSG-API-02": "warn", "HSG-API-03": "skip"})
    diff = diff_runs(good, bad)
    assert [(c.requirement_id, c.kind, c.before, c.after) for c in diff.changes] == [
        ("HSG-API-01", "regressed", "pass", "fail"),
        ("HSG-API-02", "regressed", "pass", "warn"),
        ("HSG-API-03", "changed", "pass", "skip"),
    ]
    assert [c.requirement_id for c in diff.musts_regressed] == ["HSG-API-01"]  # a SHOULD's warn is not a MUST failing
    back = diff_runs(bad, _run(3))
    assert [(c.requirement_id, c.kind) for c in back.changes] == [("HSG-API-01", "improved"), ("HSG-API-02", "improved"), ("HSG-API-03", "changed")]
    assert back.musts_regressed == ()


def test_a_new_reason_for_the_same_status_is_a_reason_change() -> None:
    a, b = _run(1, statuses={"HSG-API-01": "fail"}), _run(2, statuses={"HSG-API-01": "fail"})
    b = StoredRun(2, b.recorded_at, type(b.record)(**{**b.record.__dict__, "outcomes": (b.record.outcomes[0].__class__("HSG-API-01", "MUST", "fail", "another reason", "t"), *b.record.outcomes[1:])}))
    assert [(c.kind, c.before_reason, c.after_reason) for c in diff_runs(a, b).changes] == [("reason", "reason fail 1", "another reason")]


def test_spec_changes_are_summarised_by_operation_when_the_hash_differs() -> None:
    before = _run(1, spec_parts=(("GET /v1/a", "1"), ("GET /v1/b", "1"), ("#/servers", "1")))
    after = _run(2, spec_sha256="b" * 64, spec_parts=(("GET /v1/a", "2"), ("GET /v1/c", "1"), ("#/servers", "2")))
    assert [(c.part, c.kind) for c in diff_runs(before, after).spec_changes] == [
        ("GET /v1/a", "changed"), ("GET /v1/b", "removed"), ("GET /v1/c", "added"), ("#/servers", "changed"),
    ]
    same_hash = _run(3, spec_parts=(("GET /v1/z", "9"),))
    assert diff_runs(before, same_hash).spec_changes == ()


def test_the_report_section_names_the_earlier_run_and_counts_must_regressions() -> None:
    section = regressions_section(diff_runs(_run(1), _run(2, statuses={"HSG-API-01": "fail"})))
    assert section["since"]["run_id"] == 1  # type: ignore[index]
    assert section["musts_regressed"] == 1
    assert section["regressed"] == [{"requirement_id": "HSG-API-01", "level": "MUST", "title": "title 1", "before": "pass", "after": "fail", "reason": "reason fail 1"}]
    assert section["improved"] == []
