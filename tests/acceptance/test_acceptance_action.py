"""The GitHub Action (action.yml) run locally as GitHub runs a composite action: its `run:` steps in bash
with the environment GitHub provides (GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_WORKSPACE,
GITHUB_ACTION_PATH, the step's `env:` with `${{ inputs.* }}` filled in), against the reference sandbox.

The install step is skipped (interopcheck is already installed in this venv) and so is setup-python;
everything else is the action's own text.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from interopcheck.engine.demo import FLAWED_FAULTS
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
_EXPR = re.compile(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}")


@dataclass(frozen=True)
class ActionRun:
    """A finished run of the action's steps: exit code, logs, and what it left for GitHub."""

    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    workspace: Path


def _inputs(given: dict[str, str]) -> dict[str, str]:
    """The inputs as GitHub resolves them: given values, else action.yml's defaults, else empty."""
    unknown = set(given) - set(ACTION["inputs"])
    assert not unknown, f"not inputs of action.yml: {unknown}"
    return {name: given.get(name, str(spec.get("default", ""))) for name, spec in ACTION["inputs"].items()}


def run_action(workspace: Path, given: dict[str, str], env: dict[str, str] | None = None) -> ActionRun:
    """Run every `run:` step of action.yml but the install, in order, stopping at the first that fails."""
    inputs = _inputs(given)
    summary, output = workspace.parent / "step_summary.md", workspace.parent / "github_output"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    base.update(
        GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(workspace), GITHUB_ACTION_PATH=str(ROOT),
        GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(output),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",  # `python` is this venv's
        **(env or {}),
    )
    code, out, err = 0, "", ""
    for step in ACTION["runs"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        assert step["shell"] == "bash"
        step_env = {k: _EXPR.sub(lambda m: inputs[m.group(1)], str(v)) for k, v in step.get("env", {}).items()}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=workspace,
                              env={**base, **step_env}, capture_output=True, text=True, timeout=600, check=False)
        code, out, err = proc.returncode, out + proc.stdout, err + proc.stderr
        if code:
            break
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines()) if output.exists() else {}
    text = summary.read_text(encoding="utf-8") if summary.exists() else ""
    return ActionRun(code, out, err, outputs, text, workspace)


def _workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    return folder


def _sandbox_inputs(server: SandboxServer, spec: str) -> dict[str, str]:
    return {"spec": spec, "declaration": str(server.declaration_path), "base-url": server.base_url,
            "token-url": f"{server.base_url}/oauth/token", "client-id": server.client_id,
            "args": "--rate 200", "formats": "json,md,gitlab"}


def _save_spec(server: SandboxServer, path: Path) -> None:
    with urllib.request.urlopen(server.spec_url, timeout=30) as response:
        path.write_bytes(response.read())


@pytest.fixture(scope="module")
def flawed_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(records=60, seed=7, faults=FLAWED_FAULTS)) as server:
        yield server


def test_action_yml_is_a_composite_that_installs_from_its_own_path() -> None:
    steps = {s.get("id"): s for s in ACTION["runs"]["steps"]}
    assert ACTION["runs"]["using"] == "composite"
    assert 'pip install' in steps["install"]["run"] and '"$GITHUB_ACTION_PATH"' in steps["install"]["run"]
    assert "${{" not in steps["check"]["run"]  # inputs reach the script through env, never pasted into shell code
    assert {k: v["value"] for k, v in ACTION["outputs"].items()} == {
        name: f"${{{{ steps.check.outputs.{name} }}}}" for name in ("verdict", "score", "exit-code", "report-dir")}
    assert not any("secret" in name and "env" not in name for name in ACTION["inputs"])  # secrets only by variable name


def test_conformant_sandbox_passes(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    run = run_action(ws, _sandbox_inputs(good_sandbox, good_sandbox.spec_url),
                     env={"INTEROPCHECK_CLIENT_SECRET": good_sandbox.client_secret})
    assert run.code == 0, run.stderr[-3000:]
    assert run.outputs["verdict"] == "conformant" and run.outputs["exit-code"] == "0"
    report = json.loads((ws / "interopcheck-reports" / "report.json").read_text(encoding="utf-8"))
    assert run.outputs["score"] == str(report["score"]["value"]) and run.outputs["report-dir"] == "interopcheck-reports"
    assert "::notice title=interopcheck verdict::Conformant" in run.stdout
    assert not [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert "Conformant" in run.summary and "HSG-API-01" in run.summary
    written = sorted(p.name for p in (ws / "interopcheck-reports").iterdir())
    assert written == ["report.codequality.json", "report.github.txt", "report.json", "report.md"]
    assert good_sandbox.client_secret not in run.stdout + run.stderr + run.summary


def test_flawed_sandbox_fails_the_job_with_annotations_on_the_spec(flawed_sandbox: SandboxServer, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    (ws / "api").mkdir()
    _save_spec(flawed_sandbox, ws / "api" / "openapi.yaml")  # the supplier's description, in their repository
    run = run_action(ws, _sandbox_inputs(flawed_sandbox, "api/openapi.yaml"),
                     env={"INTEROPCHECK_CLIENT_SECRET": flawed_sandbox.client_secret})
    assert run.code == 1, run.stderr[-3000:]
    assert run.outputs["verdict"] == "not_conformant" and run.outputs["exit-code"] == "1"
    assert float(run.outputs["score"]) < 100
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert any(line.startswith("::error file=api/openapi.yaml,line=") and "title=HSG-API-01::" in line for line in errors), errors
    assert any("title=HSG-API-14::" in line and "file=" not in line for line in errors), errors  # live: no file
    assert "Not conformant" in run.summary and "HSG-DATA-11" in run.summary


def test_without_a_sandbox_the_job_fails_as_incomplete(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    _save_spec(good_sandbox, ws / "openapi.yaml")  # a conformant description: only the live checks are missing
    run = run_action(ws, {"spec": "openapi.yaml", "declaration": str(good_sandbox.declaration_path), "step-summary": "false"})
    assert run.code == 3, run.stderr[-3000:]
    assert run.outputs["verdict"] == "incomplete" and run.outputs["exit-code"] == "3"
    commands = [line for line in run.stdout.splitlines() if line.startswith("::")]
    assert commands[0].startswith("::error title=interopcheck::The verdict is incomplete")  # first: GitHub shows only 10
    assert run.summary == ""  # step-summary: false


def test_missing_spec_input_is_bad_input(tmp_path: Path) -> None:
    run = run_action(_workspace(tmp_path), {})
    assert run.code == 2 and "::error title=interopcheck::the `spec` input is required" in run.stdout
    assert run.outputs == {"exit-code": "2", "report-dir": "interopcheck-reports"}


def test_bad_input_sets_no_verdict(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    run = run_action(ws, {"spec": "missing.yaml"})
    assert run.code == 2
    assert run.outputs == {"exit-code": "2", "report-dir": "interopcheck-reports"}
    assert "::error title=interopcheck::interopcheck stopped with exit code 2" in run.stdout


def test_readme_workflow_uses_the_actions_inputs_and_a_schedule() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    workflow = next(yaml.safe_load(b) for b in blocks if "runs-on" in b)
    assert workflow[True]["schedule"][0]["cron"]  # `on:` reads as True in YAML 1.1
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    action = next(s for s in steps if "interopcheck@" in s.get("uses", ""))
    assert set(action["with"]) <= set(ACTION["inputs"]) and "INTEROPCHECK_CLIENT_SECRET" in action["env"]
    gitlab = next(yaml.safe_load(b) for b in blocks if "codequality" in b)
    assert gitlab["interopcheck"]["artifacts"]["reports"]["codequality"].endswith("report.codequality.json")
