"""Acceptance fixtures: the CLI as a subprocess, against the reference sandbox over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from interopcheck.sandbox.server import SandboxConfig, SandboxServer

ROOT = Path(__file__).resolve().parents[2]
SECRET_ENV = "ACCEPTANCE_CLIENT_SECRET"


@dataclass(frozen=True)
class CliResult:
    """A finished CLI run: exit code, output, and the JSON report when one was written."""

    code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None
    output_dir: Path

    def outcome(self, requirement_id: str) -> dict[str, Any]:
        assert self.report is not None, self.stderr
        return next(o for o in self.report["outcomes"] if o["requirement_id"] == requirement_id)


def run_cli(args: Sequence[str], output_dir: Path, env: dict[str, str] | None = None, timeout: float = 240) -> CliResult:
    """Run `python -m interopcheck ARGS` in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "interopcheck", *args], capture_output=True, text=True, timeout=timeout, env=full_env, cwd=output_dir.parent
    )
    report_path = output_dir / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    return CliResult(proc.returncode, proc.stdout, proc.stderr, report, output_dir)


def check_args(server: SandboxServer, output_dir: Path, *extra: str) -> list[str]:
    """The full `check` command line against a started sandbox."""
    return [
        "check",
        "--spec", server.spec_url,
        "--declaration", str(server.declaration_path),
        "--base-url", server.base_url,
        "--token-url", f"{server.base_url}/oauth/token",
        "--client-id", server.client_id,
        "--client-secret-env", SECRET_ENV,
        "--rate", "200",
        "--output-dir", str(output_dir),
        "--format", "json,md,html,junit,sarif",
        *extra,
    ]


@pytest.fixture(scope="session")
def good_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(records=200, seed=7)) as server:
        yield server


@pytest.fixture(scope="session")
def good_run(good_sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> CliResult:
    out = tmp_path_factory.mktemp("good") / "reports"
    return run_cli(check_args(good_sandbox, out, "--transcript"), out, env={SECRET_ENV: good_sandbox.client_secret})
