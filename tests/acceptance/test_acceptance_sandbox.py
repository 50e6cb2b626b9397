"""The CLI against the reference sandbox over real HTTP: the good variant conforms (each fault is caught in
test_acceptance_faults_api.py and test_acceptance_faults_data.py)."""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from interopcheck.report.json_report import load_report
from interopcheck.sandbox.server import SandboxServer

from .conftest import SECRET_ENV, CliResult, check_args, run_cli
from .fault_runs import FAST

pytestmark = pytest.mark.acceptance

SATISFIED = {"pass", "attested", "not_applicable"}


def test_good_sandbox_passes_every_must(good_run: CliResult) -> None:
    assert good_run.code == 0, good_run.stderr + good_run.stdout
    report = good_run.report
    assert report is not None and report["verdict"] == "conformant"
    unmet = [(o["requirement_id"], o["status"], o["reason"]) for o in report["outcomes"] if o["level"] == "MUST" and o["status"] not in SATISFIED]
    assert unmet == []
    assert all(o["status"] in SATISFIED for o in report["outcomes"] if o["mode"] in ("live", "export") and o["level"] == "MUST")
    load_report(good_run.output_dir / "report.json")  # valid against the published report schema


REPORTS = {"report.json", "report.md", "report.html", "report.junit.xml", "report.sarif"}
BUNDLE_MEMBERS = {"report.json", "spec.json", "profile.json", "declaration.yaml", "transcript.har", "manifest.json"}


def sandbox_secrets(server: SandboxServer) -> dict[str, str]:
    """Every credential of a run against `server`: the client secret, its Basic header and each access token it issued.

    The sandbox runs in this process, so the tokens it handed to the CLI are read from its own token table.
    """
    basic = base64.b64encode(f"{quote(server.client_id, safe='')}:{quote(server.client_secret, safe='')}".encode()).decode()
    found = {"client secret": server.client_secret, "Basic credentials": basic}
    with server.state.lock:
        tokens = list(server.state.tokens)
    found.update({f"access token {i + 1}": token for i, token in enumerate(tokens)})
    return found


def assert_no_secrets(result: CliResult, secrets: dict[str, str]) -> None:
    """No secret in anything the run printed or wrote, nor in any member of a zip it wrote (the evidence bundle)."""
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    for path in result.output_dir.iterdir():
        texts[path.name] = path.read_bytes().decode("utf-8", "replace")
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = archive.namelist()
                assert members, f"{path.name} is empty"
                texts.update({f"{path.name}:{m}": archive.read(m).decode("utf-8", "replace") for m in members})
    for where, text in texts.items():
        for what, secret in secrets.items():
            assert secret not in text, f"{what} leaked into {where}"


def test_good_run_writes_every_format_and_never_the_secret(good_run: CliResult, good_sandbox: SandboxServer) -> None:
    names = {p.name for p in good_run.output_dir.iterdir()}
    assert names == REPORTS | {"transcript.har"}
    secrets = sandbox_secrets(good_sandbox)
    assert any(k.startswith("access token") for k in secrets), "the run fetched no OAuth token, so none was searched for"
    assert_no_secrets(good_run, secrets)


def test_bundle_run_never_holds_a_secret_in_any_member(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    before = set(good_sandbox.state.tokens)
    result = run_cli(check_args(good_sandbox, out, *FAST, "--bundle"), out, env={SECRET_ENV: good_sandbox.client_secret})
    assert result.code == 0, result.stderr + result.stdout
    assert {p.name for p in out.iterdir()} == REPORTS | {"evidence-bundle.zip"}  # the transcript only in the bundle: no --transcript
    with zipfile.ZipFile(out / "evidence-bundle.zip") as archive:
        assert set(archive.namelist()) == BUNDLE_MEMBERS
    secrets = sandbox_secrets(good_sandbox)
    assert set(secrets.values()) - before - {secrets["client secret"], secrets["Basic credentials"]}, "this run fetched no OAuth token"
    assert_no_secrets(result, secrets)


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
