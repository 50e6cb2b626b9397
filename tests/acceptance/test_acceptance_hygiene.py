"""Output hygiene from the command line: a run's folder holds only that run's files, readable by colleagues."""

from __future__ import annotations

import os
import zipfile
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


def test_demo_takes_check_report_options(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = tmp_path / "key.pem"
    key.write_bytes(Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    out = tmp_path / "demo"
    result = run_cli(["demo", "--records", "10", "--output-dir", str(out), "--format", "json", "--bundle", "--transcript", "--sign-key", str(key)], out)
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["evidence-bundle.zip", "report.json", "transcript.har"]
    assert f"wrote {out / 'evidence-bundle.zip'}" in result.stdout and f"wrote {out / 'transcript.har'}" in result.stdout
    with zipfile.ZipFile(out / "evidence-bundle.zip") as archive:
        assert "manifest.sig" in archive.namelist()
    again = run_cli(["demo", "--records", "10", "--output-dir", str(out), "--format", "json"], out)
    assert again.code == 0, again.stderr
    assert f"removed 2 files an earlier run left in {out}: transcript.har, evidence-bundle.zip" in again.stdout
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]


def test_sandbox_serve_prints_a_check_command_that_runs(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    import shlex

    from interopcheck.cli.sandbox import check_command

    command = check_command(good_sandbox)
    words = shlex.split(command)
    env = dict(w.split("=", 1) for w in words[: words.index("interopcheck")])
    args = words[words.index("interopcheck") + 1 :]
    out = tmp_path / "reports"
    result = run_cli([*args, "--output-dir", str(out), "--format", "json", "--rate", "200"], out, env=env)
    assert result.code == 0, result.stderr
    assert result.report is not None and result.report["verdict"] == "conformant"
