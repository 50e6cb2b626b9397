"""`interopcheck history ...` and check's history options, from the command line (static runs: no sandbox needed)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_SERVERS = ROOT / "tests" / "cases" / "static" / "spec.info-complete" / "pass" / "complete.yaml"
HTTPS = ROOT / "tests" / "cases" / "static" / "spec.https-servers" / "pass" / "https-only.yaml"


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "interopcheck", *args], capture_output=True, text=True, timeout=120, cwd=cwd, env={**os.environ}, check=False)


def _check(spec: Path, cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _cli(["check", "--spec", str(spec), "--format", "json,md", "--supplier", "Acme", *extra], cwd)


def test_check_records_into_reports_history_and_history_commands_read_it(tmp_path: Path) -> None:
    first = _check(HTTPS, tmp_path)
    assert first.returncode == 1, first.stderr
    assert "recorded run 1 in reports/history.sqlite" in first.stdout
    second = _check(NO_SERVERS, tmp_path, "--environment", "production")
    assert "regressions since run 1" in second.stdout and "REGRESSED HSG-API-01 (MUST) pass -> fail" in second.stdout
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["history.sqlite", "report.json", "report.md"]

    listed = _cli(["history", "list", "--supplier", "Acme"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == ["1", "2"]
    assert "production" in listed.stdout.splitlines()[2]

    shown = _cli(["history", "show", "2"], tmp_path)
    assert "supplier:       Acme" in shown.stdout and "HSG-API-01" in shown.stdout

    diff = _cli(["history", "diff", "1", "2"], tmp_path)
    assert diff.returncode == 0, diff.stderr
    regressed = diff.stdout.split("Regressed (met before, not met now): ")[1].split("\n\n")[0]
    assert "HSG-API-01   MUST   pass -> fail" in regressed
    assert "removed  #/servers" in diff.stdout  # the spec's change, by part

    trend = _cli(["history", "trend", "--supplier", "Acme"], tmp_path)
    assert "HSG-API-01" in trend.stdout and "✓ pass  ✗ FAIL" in trend.stdout
    page = tmp_path / "trend.html"
    html = _cli(["history", "trend", "--supplier", "Acme", "--format", "html", "--output", str(page)], tmp_path)
    assert html.returncode == 0, html.stderr
    text = page.read_text(encoding="utf-8")
    assert "<svg" in text and "<script" not in text and "↓ regressed" in text

    report_md = (tmp_path / "reports" / "report.md").read_text(encoding="utf-8")
    assert report_md.index("## Since the previous run: ") < report_md.index("## Outcomes by status")

    pruned = _cli(["history", "prune", "--keep", "1"], tmp_path)
    assert pruned.stdout.strip() == "deleted 1 run from reports/history.sqlite"
    with sqlite3.connect(tmp_path / "reports" / "history.sqlite") as conn:
        assert conn.execute("SELECT id FROM runs").fetchall() == [(2,)]


def test_fail_on_regression_exits_1_only_for_a_must_that_passed_before(tmp_path: Path) -> None:
    out = tmp_path / "out" / "reports"
    base = ["--output-dir", str(out), "--fail-on-regression"]
    assert _check(NO_SERVERS, tmp_path, *base).returncode == 1  # not conformant anyway (exit 1 from the verdict)
    assert (tmp_path / "out" / "history.sqlite").is_file()  # beside a chosen --output-dir, not inside it
    assert not (out / "history.sqlite").exists()
    again = _check(NO_SERVERS, tmp_path, *base)
    assert "no regressions since run 1" in again.stdout
    quiet = _check(HTTPS, tmp_path, *base, "-q")
    assert quiet.returncode == 1 and len(quiet.stdout.splitlines()) == 1  # --quiet: the verdict line only


def test_no_history_records_nothing_and_refuses_history_options(tmp_path: Path) -> None:
    done = _check(HTTPS, tmp_path, "--no-history")
    assert not (tmp_path / "reports" / "history.sqlite").exists() and "recorded run" not in done.stdout
    refused = _check(HTTPS, tmp_path, "--no-history", "--fail-on-regression")
    assert refused.returncode == 2 and "--fail-on-regression given with --no-history" in refused.stderr


def test_reading_a_missing_history_is_bad_input_and_creates_nothing(tmp_path: Path) -> None:
    for args in (["history", "list"], ["history", "show", "1"], ["history", "trend", "--supplier", "x"]):
        done = _cli(args, tmp_path)
        assert done.returncode == 2, done.stderr
        assert "no run history at reports/history.sqlite" in done.stderr
    assert not any(tmp_path.iterdir())
    assert _cli(["history", "prune"], tmp_path).returncode == 2
    assert _cli(["history", "prune", "--before", "yesterday"], tmp_path).returncode == 2


def test_an_unusable_history_stops_check_before_it_runs(tmp_path: Path) -> None:
    bad = tmp_path / "history.sqlite"
    bad.write_text("this is not a database " * 200)
    done = _check(HTTPS, tmp_path, "--history", str(bad))
    assert done.returncode == 2, done.stderr
    assert "is not a usable run history" in done.stderr and "--no-history" in done.stderr
    assert "reading" not in done.stderr and not (tmp_path / "reports").exists()  # nothing ran, nothing was written
