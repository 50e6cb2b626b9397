"""The pre-commit hook of .pre-commit-hooks.yaml, run as pre-commit runs it: its entry, the hook's args, the file names."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.config.clirun import clean_env, write_specs

ROOT = Path(__file__).resolve().parents[2]


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return next(h for h in hooks if h["id"] == "interopcheck-spec")


def _run_hook(cwd: Path, files: list[str], args: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """The hook's entry with `args` and the file names appended, the interopcheck script of this environment on PATH."""
    env = clean_env({"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"})
    command = [*shlex.split(_hook()["entry"]), *args, *files]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = write_specs(tmp_path / "repo")
    (folder / "openapi.json").write_bytes((folder / "good.json").read_bytes())
    (folder / "api").mkdir()
    (folder / "api" / "openapi-v2.json").write_bytes((folder / "http.json").read_bytes())
    return folder


def test_the_hook_is_a_python_hook_on_openapi_files() -> None:
    hook = _hook()
    assert {"id", "name", "entry", "language"} <= set(hook) and hook["language"] == "python"
    files = re.compile(hook["files"])
    assert all(files.search(p) for p in ("openapi.yaml", "api/openapi.json", "docs/swagger-v1.yml", "openapi-v2.YAML".lower()))
    assert not any(files.search(p) for p in ("docker-compose.yaml", "package.json", "openapi/README.md", "api/openapi.txt"))


def test_a_conformant_document_passes_and_nothing_is_written(repo: Path) -> None:
    before = sorted(p.name for p in repo.iterdir())
    result = _run_hook(repo, ["openapi.json"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verdict:" in result.stdout
    assert sorted(p.name for p in repo.iterdir()) == before


def test_a_failed_must_fails_the_hook_and_says_which(repo: Path) -> None:
    result = _run_hook(repo, ["api/openapi-v2.json"])
    assert result.returncode == 1
    assert "FAIL  HSG-API-01 (MUST)" in result.stdout


def test_several_files_are_each_checked_and_the_worst_decides(repo: Path) -> None:
    result = _run_hook(repo, ["openapi.json", "api/openapi-v2.json"])
    assert result.returncode == 1
    assert "openapi.json:\n" in result.stdout and "api/openapi-v2.json:\n" in result.stdout
    assert result.stdout.count("verdict:") == 2
    assert not (repo / "reports").exists()


def test_fail_on_should_also_fails_on_a_failed_should(repo: Path) -> None:
    assert _run_hook(repo, ["openapi.json"]).returncode == 0
    result = _run_hook(repo, ["openapi.json"], args=("--fail-on", "should"))
    assert result.returncode == 1
    assert "WARN  HSG-API-03 (SHOULD)" in result.stdout


def test_a_file_that_is_not_openapi_is_exit_2_with_one_line(repo: Path) -> None:
    (repo / "openapi-notes.yaml").write_text("just: notes\n")
    result = _run_hook(repo, ["openapi-notes.yaml"])
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("interopcheck: error: openapi-notes.yaml: not an OpenAPI description")
