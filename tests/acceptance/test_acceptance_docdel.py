"""Issue 14's documents and deletions through the CLI against the reference sandbox over real HTTP:
the good sandbox's document downloads pass HSG-API-05 and HSG-API-27 and its deletions HSG-EXP-10;
`deletions-hidden` fails HSG-EXP-10 in both of its checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.sandbox.server import SandboxConfig, SandboxServer
from .conftest import SECRET_ENV, CliResult, check_args, run_cli

pytestmark = pytest.mark.timeout(600)
FAST = ("--max-examples", "1", "--sample", "20")


def _checks(result: CliResult, requirement_id: str) -> dict[str, dict[str, object]]:
    return {c["check_id"]: c for c in result.outcome(requirement_id)["checks"]}


def test_documents_and_deletions_pass_on_the_good_sandbox(good_run: CliResult) -> None:
    assert good_run.code == 0, good_run.stdout
    for requirement_id in ("HSG-API-05", "HSG-API-06", "HSG-API-27", "HSG-EXP-10"):
        assert good_run.outcome(requirement_id)["status"] == "pass", good_run.outcome(requirement_id)["reason"]
    assert "file transfer(s) or form searches exempt" in _checks(good_run, "HSG-API-05")["spec.json-media-types"]["summary"]  # type: ignore[operator]
    assert "document download(s) match their metadata" in _checks(good_run, "HSG-API-27")["live.document-download"]["summary"]  # type: ignore[operator]


def test_hidden_deletions_fail_hsg_exp_10(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    with SandboxServer(SandboxConfig(records=120, seed=3, faults=("deletions-hidden",))) as server:
        result = run_cli(check_args(server, out, *FAST), out, env={SECRET_ENV: server.client_secret})
    assert result.code == 1, result.stdout + result.stderr
    assert result.outcome("HSG-EXP-10")["status"] == "fail"
    checks = _checks(result, "HSG-EXP-10")
    assert checks["live.deletions"]["status"] == checks["export.deletions"]["status"] == "fail"
    failing = {o["requirement_id"] for o in result.report["outcomes"] if o["status"] == "fail"}  # type: ignore[index]
    assert failing == {"HSG-EXP-10"}, failing
