"""Output hygiene from the command line: a run's folder holds only that run's files, readable by colleagues."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from interopcheck.sandbox.server import SandboxServer
from .conftest import SECRET_ENV, check_args, run_cli


def test_stale_files_never_survive_a_run(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    env = {SECRET_ENV: good_sandbox.client_secret}
    first = run_cli([*check_args(good_sandbox, out, "--bundle", "--transcript"), "--format", "json,md,html,junit,sarif,github,gitlab"], out, env=env)
    assert first.code == 0, first.stderr
    assert (out / "evidence-bundle.zip").is_file() and (out / "transcript.har").is_file()
    # A second run in the same folder, spec only, fewer formats: the first run's bundle must not verify beside its report.
    second = run_cli(["check", "--spec", good_sandbox.spec_url, "--output-dir", str(out), "--format", "json,md"], out, env=env)
    assert second.code in (0, 3), second.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.md"]
    assert "removed 7 files an earlier run left in" in second.stdout
    assert [line for line in second.stdout.splitlines() if line.startswith("wrote ")] == [f"wrote {out / 'report.json'}", f"wrote {out / 'report.md'}"]


def test_reports_are_readable_under_umask_022(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    old = os.umask(0o022)  # inherited by the CLI's process
    try:
        result = run_cli(["check", "--spec", good_sandbox.spec_url, "--output-dir", str(out), "--format", "json,html", "--bundle"], out)
    finally:
        os.umask(old)
    written = [Path(line.removeprefix("wrote ")) for line in result.stdout.splitlines() if line.startswith("wrote ")]
    assert sorted(p.name for p in written) == ["evidence-bundle.zip", "report.html", "report.json"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in written} == {p.name: 0o644 for p in written}
