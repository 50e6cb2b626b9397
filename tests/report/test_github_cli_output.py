"""`check --output -` (one report on stdout, nothing else there) and the GitHub step summary, from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "cases" / "static" / "spec.https-servers" / "fail" / "http-server.yaml"


def _cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m interopcheck check --spec SPEC ARGS` in `cwd` without GitHub's variables unless given."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([sys.executable, "-m", "interopcheck", "check", "--spec", str(SPEC), *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, env={**base, **env}, check=False)


def test_output_dash_writes_only_the_json_report_to_stdout(tmp_path: Path) -> None:
    result = _cli(["--output", "-"], tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)  # the whole of stdout is the report
    assert report["verdict"] == "not_conformant"
    assert "verdict: not conformant" in result.stderr and "static checks" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no reports folder, no files


@pytest.mark.parametrize(("fmt", "first"), [("github", "::error "), ("gitlab", "["), ("md", "# "), ("sarif", "{")])
def test_output_dash_writes_the_format_asked_for(tmp_path: Path, fmt: str, first: str) -> None:
    result = _cli(["--output", "-", "--format", fmt, "-q"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(first) and not any(line.startswith("verdict:") for line in result.stdout.splitlines())
    if fmt == "github":
        assert all(line.startswith("::") for line in result.stdout.splitlines())
    if fmt == "gitlab":
        assert json.loads(result.stdout)[0]["location"]["path"].endswith("http-server.yaml")


def test_output_file_writes_one_report(tmp_path: Path) -> None:
    result = _cli(["--output", "out/gl-code-quality.json", "--format", "gitlab"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()] == ["out/gl-code-quality.json"]
    assert isinstance(json.loads((tmp_path / "out" / "gl-code-quality.json").read_text(encoding="utf-8")), list)


@pytest.mark.parametrize(("args", "message"), [
    (["--output", "-", "--format", "json,md"], "--output writes one report format"),
    (["--output", "-", "--bundle"], "--bundle"),
    (["--step-summary"], "GITHUB_STEP_SUMMARY is not set"),
])
def test_refused_combinations_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = _cli(args, tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_step_summary_on_by_default_under_github(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = _cli(["--output-dir", str(tmp_path / "reports"), "--format", "json"], tmp_path, GITHUB_STEP_SUMMARY=str(summary))
    assert result.returncode == 1, result.stderr
    text = summary.read_text(encoding="utf-8")
    assert "HSG-API-01" in text and "Not conformant" in text


def test_no_step_summary_turns_it_off(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = _cli(["--output-dir", str(tmp_path / "reports"), "--no-step-summary"], tmp_path, GITHUB_STEP_SUMMARY=str(summary))
    assert result.returncode == 1, result.stderr
    assert not summary.exists()


def test_step_summary_beside_output_dash(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = _cli(["--output", "-", "--format", "github"], tmp_path, GITHUB_STEP_SUMMARY=str(summary))
    assert result.returncode == 1 and all(line.startswith("::") for line in result.stdout.splitlines())
    assert "HSG-API-01" in summary.read_text(encoding="utf-8")
