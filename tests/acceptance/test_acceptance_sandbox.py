"""The CLI against the reference sandbox over real HTTP: the good variant conforms, each fault is caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.report.json_report import load_report
from interopcheck.sandbox.faults import FAULTS
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

from .conftest import SECRET_ENV, CliResult, check_args, run_cli

pytestmark = pytest.mark.acceptance

SATISFIED = {"pass", "attested", "not_applicable"}
FAST = ("--max-examples", "1", "--sample", "20")


def test_good_sandbox_passes_every_must(good_run: CliResult) -> None:
    assert good_run.code == 0, good_run.stderr + good_run.stdout
    report = good_run.report
    assert report is not None and report["verdict"] == "conformant"
    unmet = [(o["requirement_id"], o["status"], o["reason"]) for o in report["outcomes"] if o["level"] == "MUST" and o["status"] not in SATISFIED]
    assert unmet == []
    assert all(o["status"] in SATISFIED for o in report["outcomes"] if o["mode"] in ("live", "export") and o["level"] == "MUST")
    load_report(good_run.output_dir / "report.json")  # valid against the published report schema


def test_good_run_writes_every_format_and_never_the_secret(good_run: CliResult, good_sandbox: SandboxServer) -> None:
    names = {p.name for p in good_run.output_dir.iterdir()}
    assert {"report.json", "report.md", "report.html", "report.junit.xml", "report.sarif"} <= names or len(names) >= 5
    assert "transcript.har" in names
    secret = good_sandbox.client_secret
    for path in good_run.output_dir.iterdir():
        assert secret not in path.read_text(errors="replace"), f"client secret leaked into {path.name}"
    assert secret not in good_run.stdout + good_run.stderr


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_is_caught_by_the_requirement_it_names(fault: str, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    with SandboxServer(SandboxConfig(records=120, seed=3, faults=(fault,))) as server:
        result = run_cli(check_args(server, out, *FAST), out, env={SECRET_ENV: server.client_secret})
    assert result.report is not None, result.stderr
    for requirement_id in FAULTS[fault].requirements:
        outcome = result.outcome(requirement_id)
        expected = "fail" if outcome["level"] == "MUST" else "warn"
        assert outcome["status"] == expected, f"{fault}: {requirement_id} is {outcome['status']}: {outcome['reason']}"
    if any(result.outcome(r)["level"] == "MUST" for r in FAULTS[fault].requirements):
        assert result.code == 1 and result.report["verdict"] == "not_conformant"


def test_static_only_run_skips_live_requirements_and_is_incomplete(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = run_cli(["check", "--spec", good_sandbox.spec_url, "--output-dir", str(out), "--format", "json,md"], out)
    assert result.code == 3, result.stderr
    live = result.outcome("HSG-API-11")
    assert live["status"] == "skip" and "--base-url" in live["reason"]
    assert result.outcome("HSG-API-07")["status"] == "pass"


def test_unreachable_sandbox_is_incomplete_not_a_crash(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    args = ["check", "--spec", good_sandbox.spec_url, "--base-url", "http://127.0.0.1:9", "--output-dir", str(out), "--format", "json"]
    result = run_cli(args, out)
    assert result.code == 3, result.stderr
    assert result.outcome("HSG-API-11")["status"] == "error"
    assert "Traceback" not in result.stderr
