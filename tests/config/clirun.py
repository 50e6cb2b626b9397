"""Helpers of the config and packaging tests: OpenAPI documents written to a folder, and `interopcheck check` run there as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interopcheck.config import ENV_PREFIX
from interopcheck.sandbox.openapi import build_spec


@dataclass(frozen=True)
class Run:
    """A finished CLI run in `cwd`: exit code, output, and the JSON report when one was written."""

    code: int
    stdout: str
    stderr: str
    cwd: Path

    def report(self, folder: str = "reports") -> dict[str, Any]:
        return json.loads((self.cwd / folder / "report.json").read_text())


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without any INTEROPCHECK_* variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    return {**env, **(extra or {})}


def run_in(cwd: Path, args: Sequence[str], env: Mapping[str, str] | None = None, timeout: float = 240) -> Run:
    """`python -m interopcheck check ARGS` in folder `cwd`, with only the INTEROPCHECK_* variables in `env`."""
    proc = subprocess.run(
        [sys.executable, "-m", "interopcheck", "check", *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=clean_env(env)
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, cwd)


def write_specs(folder: Path) -> Path:
    """`folder` holding good.json (no MUST fails, one SHOULD warns: HSG-API-03) and http.json (HSG-API-01 fails)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.json").write_text(json.dumps(build_spec()))
    (folder / "http.json").write_text(json.dumps(build_spec(frozenset({"http-only"}))))
    return folder
