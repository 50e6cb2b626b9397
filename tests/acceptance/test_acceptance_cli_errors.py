"""Bad input gets one line, the right exit code, and never a traceback or a half-written report."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, run_cli

BAD_SPECS = ROOT / "tests" / "cases" / "bad-specs"
EXIT_FOR = {"read-error": 2, "invalid": 1, "valid": None}
UNSET = "INTEROPCHECK_TEST_SURELY_UNSET_VAR"
LIVE = ("--base-url", "https://127.0.0.1:9")  # never contacted: the options are refused first


def _cases() -> list[tuple[str, str]]:
    manifest = yaml.safe_load((BAD_SPECS / "cases.yaml").read_text())
    entries = manifest.get("cases", manifest) if isinstance(manifest, dict) else manifest
    items = entries.items() if isinstance(entries, dict) else ((e["file"], e) for e in entries)
    return [(name, spec["expect"]) for name, spec in items if (BAD_SPECS / name).exists()]


@pytest.mark.parametrize(("name", "expect"), _cases())
def test_bad_spec_exit_code(name: str, expect: str, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = run_cli(["check", "--spec", str(BAD_SPECS / name), "--output-dir", str(out), "--format", "json"], out, timeout=60)
    assert "Traceback" not in result.stderr
    assert result.code != 4, result.stderr
    if expect == "read-error":
        assert result.code == 2 and result.report is None
        assert result.stderr.strip().splitlines()[-1].startswith("interopcheck: error: "), result.stderr
    elif expect == "invalid":
        assert result.code == 1, result.stderr
        assert result.outcome("HSG-API-02")["status"] == "fail"
    else:
        assert result.code in (1, 3), result.stderr  # a valid document; other requirements decide


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["check", "--spec", "no-such-file.yaml"], "no-such-file.yaml"),
        (["check", "--spec", "{spec}", "--profile", "no-such-profile"], "no-such-profile"),
        (["check", "--spec", "{spec}", "--format", "json,pdf"], "pdf"),
        (["check", "--spec", "{spec}", "--token-url", "http://127.0.0.1:9/token"], "--base-url"),
        (["check", "--spec", "{spec}", "--declaration", "missing.yaml"], "missing.yaml"),
        # live options are checked before anything runs: a typo is a usage error, not 30 `error` outcomes (exit 3)
        (["check", "--spec", "{spec}", "--base-url", "ftp://x"], "--base-url 'ftp://x' is not an http(s) URL"),
        (["check", "--spec", "{spec}", "--base-url", "notaurl"], "--base-url 'notaurl' is not an http(s) URL; give the sandbox's base URL"),
        (["check", "--spec", "{spec}", "--base-url", "https://"], "--base-url 'https://' is not an http(s) URL"),
        (["check", "--spec", "{spec}", *LIVE, "--token-env", UNSET], f"the environment variable {UNSET} is not set"),
        (["check", "--spec", "{spec}", *LIVE, "--api-key-env", UNSET], f"the environment variable {UNSET} is not set"),
        (["check", "--spec", "{spec}", *LIVE, "--token-url", "https://127.0.0.1:9/oauth/token", "--client-id", "evaluator",
          "--client-secret-env", UNSET], f"--client-secret-env {UNSET}: the environment variable {UNSET} is not set"),
        (["check", "--spec", "{spec}", *LIVE, "--token-url", "notaurl", "--client-id", "evaluator", "--client-secret-env", "HOME"],
         "--token-url 'notaurl' is not an http(s) URL"),
        (["check", "--spec", "{spec}", *LIVE, "--ca-bundle", "{tmp}/missing.pem"], "missing.pem' does not exist"),
        (["check", "--spec", "{spec}", *LIVE, "--ca-bundle", "{tmp}"], "is not a file"),
        (["check", "--spec", "{spec}", *LIVE, "--ca-bundle", "{tmp}/notpem.txt"], "notpem.txt' holds no PEM certificate"),
        (["check", "--spec", "{spec}", *LIVE, "--ca-bundle", "{tmp}/broken.pem"], "broken.pem' is not a valid PEM certificate file"),
        (["check", "--spec", "{spec}", "--no-such-flag"], "No such option '--no-such-flag'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], fragment: str, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    (tmp_path / "notpem.txt").write_text("not a certificate\n")
    (tmp_path / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
    filled = [a.replace("{spec}", str(_any_valid_spec())).replace("{tmp}", str(tmp_path)) for a in args]
    assert UNSET not in os.environ
    result = run_cli([*filled, "--output-dir", str(out)], out, timeout=60)
    assert result.code == 2, result.stdout + result.stderr
    *progress, last = result.stderr.rstrip().splitlines()
    assert last.startswith("interopcheck: error: ") and fragment in last, result.stderr  # one line says what is wrong
    assert all(line.startswith("  ") for line in progress), result.stderr  # anything before it is `check`'s progress
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def _any_valid_spec() -> Path:
    """A small valid document kept in the project (the tests never rely on ../shared being there)."""
    return ROOT / "tests" / "cases" / "static" / "spec.info-complete" / "pass" / "complete.yaml"


def test_existing_report_stays_whole_when_a_later_run_fails(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first = run_cli(["check", "--spec", str(_any_valid_spec()), "--output-dir", str(out), "--format", "json,md"], out, timeout=120)
    assert first.report is not None, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    second = run_cli(["check", "--spec", str(tmp_path / "absent.json"), "--output-dir", str(out), "--format", "json,md"], out)
    assert second.code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
