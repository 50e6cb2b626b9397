"""Shell completion as the README documents it: click's _INTEROPCHECK_COMPLETE protocol on the installed script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "interopcheck"


def _complete(env: dict[str, str]) -> str:
    proc = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=60, env={**os.environ, **env})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_bash_source_prints_the_completion_function() -> None:
    assert "_interopcheck_completion()" in _complete({"_INTEROPCHECK_COMPLETE": "bash_source"})


def test_commands_options_and_choices_complete() -> None:
    def words(line: str, index: int) -> list[str]:
        out = _complete({"_INTEROPCHECK_COMPLETE": "bash_complete", "COMP_WORDS": line, "COMP_CWORD": str(index)})
        return [item.split(",", 1)[1] for item in out.splitlines()]

    assert words("interopcheck ch", 1) == ["check", "checks"]
    assert words("interopcheck check --static", 2) == ["--static-only"]
    assert words("interopcheck check --fail-on ", 3) == ["must", "should"]
