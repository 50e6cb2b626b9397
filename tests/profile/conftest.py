"""Shared paths for the profile tests: the case folders and the bundled housing profile."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
HOUSING = ROOT / "profiles" / "housing"


def expected_fragment(path: Path) -> str:
    """The message fragment an invalid case promises, from its first line `# expect: ...`."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect:"), f"{path} must start with '# expect: <fragment>'"
    return first.split("expect:", 1)[1].strip()


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # file names in messages are relative to the working directory
    monkeypatch.chdir(ROOT)
