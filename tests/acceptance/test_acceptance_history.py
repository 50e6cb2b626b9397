"""The run history over a contract's life, against the reference sandbox over real HTTP: good, then flawed, then good
again under one supplier name. `history diff` shows each fault as a regression and then its recovery, the flawed
run's report lists its regressions first, and `--fail-on-regression` exits 1 on it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interopcheck.engine.demo import FLAWED_FAULTS
from interopcheck.report.json_report import load_report
from interopcheck.sandbox.faults import FAULTS
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

from .conftest import SECRET_ENV, check_args, run_cli

pytestmark = pytest.mark.acceptance

FAST = ("--max-examples", "1", "--sample", "20")
SUPPLIER = "Reference Housing Ltd"


def _section(text: str, title: str) -> str:
    """The lines under one heading of `history diff` (up to the blank line after it)."""
    return text.split(title)[1].split("\n\n")[0]


def test_good_then_flawed_then_good_shows_each_fault_regress_and_recover(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    extra = (*FAST, "--supplier", SUPPLIER, "--history", str(history), "--fail-on-regression")
    faulty = {r for f in FLAWED_FAULTS for r in FAULTS[f].requirements}

    runs = []
    for n, faults in enumerate(((), FLAWED_FAULTS, ())):
        out = tmp_path / f"run-{n}" / "reports"
        out.parent.mkdir()
        if faults:
            with SandboxServer(SandboxConfig(records=120, seed=3, faults=faults)) as server:
                result = run_cli(check_args(server, out, *extra), out, env={SECRET_ENV: server.client_secret})
        else:
            result = run_cli(check_args(good_sandbox, out, *extra), out, env={SECRET_ENV: good_sandbox.client_secret})
        assert result.report is not None, result.stderr
        assert f"recorded run {n + 1} in {history}" in result.stdout
        runs.append(result)
    good, flawed, recovered = runs
    stored = history.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("history.sqlite-*"))
    with good_sandbox.state.lock:
        secrets = [good_sandbox.client_secret, *good_sandbox.state.tokens]
    assert secrets[1:], "the runs fetched no OAuth token, so none was searched for"
    assert not [s for s in secrets if s.encode() in stored], "a secret reached the run history"

    assert good.code == 0 and recovered.code == 0, good.stdout + recovered.stdout  # --fail-on-regression: nothing regressed
    assert flawed.code == 1 and flawed.report["verdict"] == "not_conformant"
    regressed_now = {line.split()[1] for line in flawed.stdout.splitlines() if line.startswith("  REGRESSED ")}
    assert faulty <= regressed_now, faulty - regressed_now

    reg = flawed.report["regressions"]  # in the JSON report, valid against its schema
    load_report(flawed.output_dir / "report.json")
    assert reg["since"]["run_id"] == 1 and reg["supplier"] == SUPPLIER and reg["spec_changed"]
    assert faulty <= {c["requirement_id"] for c in reg["regressed"]}
    assert reg["musts_regressed"] == len([c for c in reg["regressed"] if c["level"] == "MUST" and c["after"] == "fail"]) >= len(faulty)
    md = (flawed.output_dir / "report.md").read_text(encoding="utf-8")
    assert md.index("## Since the previous run:") < md.index("## Outcomes by status")
    html = (flawed.output_dir / "report.html").read_text(encoding="utf-8")
    assert html.index('id="regressions"') < html.index('id="summary"')
    assert faulty <= {c["requirement_id"] for c in recovered.report["regressions"]["improved"]}

    down = run_cli(["history", "diff", "1", "2", "--history", str(history)], tmp_path / "run-0" / "reports")
    assert down.code == 0, down.stderr
    regressed = _section(down.stdout, "Regressed (met before, not met now):")
    for rid in faulty:
        assert re.search(rf"^  {rid}\s+MUST\s+pass -> fail: ", regressed, re.M), f"{rid} not shown as a regression:\n{down.stdout}"
    assert "servers" in down.stdout.split("Spec: changed")[1]  # http-only: the served description's servers changed

    up = run_cli(["history", "diff", "2", "3", "--history", str(history)], tmp_path / "run-0" / "reports")
    improved = _section(up.stdout, "Improved (not met before, met now):")
    for rid in faulty:
        assert re.search(rf"^  {rid}\s+MUST\s+fail -> pass: ", improved, re.M), f"{rid} not shown as recovered:\n{up.stdout}"
    assert _section(up.stdout, "Regressed (met before, not met now):").startswith(" 0")

    page = tmp_path / "trend.html"
    trend = run_cli(["history", "trend", "--supplier", SUPPLIER, "--format", "html", "--output", str(page), "--history", str(history)], tmp_path / "run-0" / "reports")
    assert trend.code == 0, trend.stderr
    text = page.read_text(encoding="utf-8")
    assert text.count("↓ regressed") >= len(faulty) and text.count("↑ recovered") >= len(faulty)
    assert "<script" not in text and "http" not in text.split("<svg")[1].split("</svg>")[0].replace("http://www.w3.org/2000/svg", "")
