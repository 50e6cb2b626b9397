"""HSG-DATA-24 over real HTTP: the reference sandbox's subject-access extract holds everything the API serves about
sampled people; under `subject-access-incomplete` it lacks their homelessness cases and the SHOULD warns."""

from __future__ import annotations

from pathlib import Path

import yaml

from interopcheck.sandbox.server import SandboxConfig, SandboxServer

from .conftest import SECRET_ENV, CliResult, check_args, run_cli

FAST = ("--sample", "10", "--max-pages", "20", "--format", "json")


def subject_access(result: CliResult) -> tuple[str, dict]:
    assert result.report is not None, result.stderr
    outcome = result.outcome("HSG-DATA-24")
    return outcome["status"], next(c for c in outcome["checks"] if c["check_id"] == "live.subject-access")


def test_the_reference_sandbox_extracts_everything_held_about_a_person(good_run: CliResult) -> None:
    status, result = subject_access(good_run)
    assert status == "pass" and result["status"] == "pass", result["summary"]
    assert "sampled people hold each person and all" in result["summary"]


def test_an_incomplete_extract_warns_naming_the_missing_records(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    with SandboxServer(SandboxConfig(records=120, seed=3, faults=("subject-access-incomplete",))) as server:
        result = run_cli(check_args(server, out, *FAST), out, env={SECRET_ENV: server.client_secret})
    status, found = subject_access(result)
    assert status == "warn" and found["status"] == "fail", found["summary"]
    assert any("the extract lacks homelessness-case HML-" in f["message"] for f in found["findings"]), found["findings"]


def test_a_declaration_without_the_operation_warns(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    data = yaml.safe_load(Path(good_sandbox.declaration_path).read_text(encoding="utf-8"))
    del data["subject_access"]
    declaration = tmp_path / "declaration.yaml"
    declaration.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "reports"
    args = check_args(good_sandbox, out, *FAST)
    args[args.index("--declaration") + 1] = str(declaration)
    result = run_cli(args, out, env={SECRET_ENV: good_sandbox.client_secret})
    status, found = subject_access(result)
    assert status == "warn" and "names no subject-access operation" in found["summary"]
