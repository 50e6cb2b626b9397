"""Ctrl-C during a run: the checks done so far are kept in a partial report marked interrupted, verdict incomplete."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.checks import registry
from interopcheck.engine.outputs import write_outputs
from interopcheck.engine.run import RunRequest, run
from interopcheck.model import Status, Verdict
from interopcheck.report.verify import verify_bundle

SPEC = "openapi: 3.1.0\ninfo: {title: t, version: '1.0.0'}\npaths: {}\n"


def test_ctrl_c_keeps_the_checks_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    real = registry.run_check
    done: list[str] = []

    def interrupted_at_the_fourth(check: registry.CheckSpec, ctx: object) -> object:
        if len(done) == 3:
            raise KeyboardInterrupt
        done.append(check.id)
        return real(check, ctx)

    monkeypatch.setattr(registry, "run_check", interrupted_at_the_fourth)
    artifacts = run(RunRequest(spec=str(spec)))
    report = artifacts.report
    assert artifacts.interrupted and report.run.interrupted
    assert report.verdict is Verdict.INCOMPLETE
    results = {c.check_id: c for o in report.outcomes for c in o.checks}
    assert all(results[c].status is not Status.SKIP or "interrupted" not in results[c].summary for c in done)
    assert any("the run was interrupted (Ctrl-C) before this check" in r.summary for r in results.values())
    write_outputs(artifacts, tmp_path / "out", ["json"], bundle=True)
    assert verify_bundle(tmp_path / "out" / "evidence-bundle.zip").ok
