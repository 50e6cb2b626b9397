"""HSG-SEC-04 over real HTTP: the reference sandbox holds no real-looking personal data; the `real-looking-pii`
fault is caught, with counts and masked examples, and no output (reports, HAR, console) shows a value whole."""

from __future__ import annotations

from pathlib import Path

from interopcheck.sandbox.faults import _real_looking_person
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

from .conftest import SECRET_ENV, CliResult, check_args, run_cli

FAST = ("--sample", "10", "--max-pages", "5", "--format", "json,md,html", "--transcript")


def check(result: CliResult) -> dict:
    assert result.report is not None, result.stderr
    outcome = result.outcome("HSG-SEC-04")
    return next(c for c in outcome["checks"] if c["check_id"] == "live.real-looking-pii") | {"status_of_requirement": outcome["status"]}


def test_the_reference_sandbox_holds_no_real_looking_personal_data(good_run: CliResult) -> None:
    result = check(good_run)
    assert result["status"] == "pass" and result["status_of_requirement"] == "pass", result["summary"]
    assert "none of the" in result["summary"] and "(API and export)" in result["summary"]


def test_real_looking_pii_fails_with_masked_examples_and_no_value_whole_anywhere(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    with SandboxServer(SandboxConfig(records=120, seed=3, faults=("real-looking-pii",))) as server:
        result = run_cli(check_args(server, out, *FAST), out, env={SECRET_ENV: server.client_secret})
    found = check(result)
    assert found["status"] == "fail" and found["status_of_requirement"] == "fail", found["summary"]
    for kind in ("NHS numbers", "National Insurance numbers", "UK telephone numbers", "email addresses"):
        assert kind in found["summary"]
    assert found["findings"] and all("*" in f["message"] for f in found["findings"])
    assert all(f.get("exchange") is None for f in found["findings"])
    planted = [v for seq in range(2, 2000, 5) for v in _real_looking_person(seq).values()]
    nhs_and_nino = [part.split(" number ", 1)[1] for v in planted if v.startswith("Referred") for part in v.split("; ")[1:]]
    values = [v for v in planted if not v.startswith("Referred")] + nhs_and_nino
    outputs = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in out.iterdir()}
    assert "transcript.har" in outputs and "report.md" in outputs
    outputs["console"] = result.stdout + result.stderr
    for where, text in outputs.items():
        leaked = [v for v in values if v in text]
        assert not leaked, f"{where} shows {len(leaked)} values whole, e.g. {leaked[0][:2]}..."
    assert result.code == 1
