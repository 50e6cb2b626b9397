"""HSG-RET-03 end to end over real HTTP on 127.0.0.1: the demo's good run shows the measures table;
a supplier whose repairs carry no target time fails it, with the count of records that lack one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
import yaml

from interopcheck.engine.demo import run_demo
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

pytestmark = pytest.mark.acceptance

SECRET_ENV = "ACCEPTANCE_CLIENT_SECRET"


def _outcome(report: dict, rid: str) -> dict:
    return next(o for o in report["outcomes"] if o["requirement_id"] == rid)


def test_demo_good_passes_and_shows_the_measures_table(tmp_path: Path) -> None:
    _, written = run_demo("good", tmp_path, formats=("json", "md", "html"))
    report = orjson.loads((tmp_path / "report.json").read_bytes())
    assert report["verdict"] == "conformant"
    assert _outcome(report, "HSG-RET-03")["status"] == "pass"
    measures = {m["id"]: m for m in report["measures"]}
    assert list(measures)[:4] == ["RP02(1)", "RP02(2)", "NM01(1)", "NM01(2)"]
    for rp02 in (measures["RP02(1)"], measures["RP02(2)"]):  # the sandbox completes repairs, some late
        assert rp02["denominator"] > 0 and rp02["value"] == round(rp02["numerator"] / rp02["denominator"] * 100, 2), rp02
    assert measures["RP02(1)"]["value"] < 100
    nm01 = measures["NM01(1)"]
    assert nm01["denominator"] == len([1 for _ in range(nm01["denominator"])]) and nm01["denominator"] > 0  # homes: the property export
    assert nm01["value"] == round(nm01["numerator"] / nm01["denominator"] * 1000, 2)
    assert all(m["period"] == measures["NM01(1)"]["period"] for m in measures.values())
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="measures">Regulatory measures</h2>' in html and "NM01(1)" in html
    assert "## Regulatory measures" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_repairs_without_target_times_fail_hsg_ret_03(tmp_path: Path) -> None:
    """The declaration maps the supplier's repairs field by field with no target time (the supplier does not hold one)
    and a completion time (its `raised_at`, so every repair counts as completed): RP02 cannot be computed, so
    HSG-RET-03 fails, counting the repairs that lack a target time."""
    with SandboxServer(SandboxConfig(records=120, seed=5)) as server:
        declaration = yaml.safe_load(Path(server.declaration_path).read_text(encoding="utf-8"))
        repair = declaration["entities"]["repair"]
        del repair["mapping"]  # field by field: every standard field but the target time, which this supplier does not hold
        kept = ("id", "updated_at", "property_id", "priority", "status", "status_history", "description", "raised_at", "reported_at", "damp_and_mould")
        repair["fields"] = {f"/{name}": f"/{name}" for name in kept} | {"/completed_at": "/raised_at"}
        path = tmp_path / "declaration.yaml"
        path.write_text(yaml.safe_dump(declaration, sort_keys=False), encoding="utf-8")
        out = tmp_path / "reports"
        args = [
            "check", "--spec", server.spec_url, "--declaration", str(path), "--base-url", server.base_url,
            "--token-url", f"{server.base_url}/oauth/token", "--client-id", server.client_id,
            "--client-secret-env", SECRET_ENV, "--rate", "200", "--output-dir", str(out), "--format", "json,md",
            "--max-examples", "1", "--measures-year", "2025",
        ]
        proc = subprocess.run([sys.executable, "-m", "interopcheck", *args], capture_output=True, text=True, timeout=240,
                              env={**os.environ, SECRET_ENV: server.client_secret}, cwd=tmp_path)
    assert (out / "report.json").exists(), proc.stderr
    assert proc.returncode == 1, proc.stderr  # a MUST failed
    report = orjson.loads((out / "report.json").read_bytes())
    outcome = _outcome(report, "HSG-RET-03")
    assert outcome["status"] == "fail", outcome
    rp02 = {m["id"]: m for m in report["measures"]}["RP02(1)"]
    assert rp02["value"] is None and rp02["missing"] > 0 and rp02["period"] == "2025-04-01/2026-03-31"
    finding = next(f for c in outcome["checks"] for f in c["findings"] if f["data"] and f["data"].get("measure") == "RP02(1)")
    assert finding["data"]["missing"] == rp02["missing"]
    assert "missing:" in (out / "report.md").read_text(encoding="utf-8")
