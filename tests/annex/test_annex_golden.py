"""The Markdown annex of the fixture profile, with and without the borough's overlay, matches its golden file.

UPDATE_GOLDEN=1 rewrites the files; read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interopcheck.profile.annex_markdown import render_markdown
from interopcheck.profile.annex_model import build_annex

from .conftest import SCHEMAS, TITLES, borough_profile, core_profile

GOLDEN = Path(__file__).parent / "golden"


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {name} is missing; create it with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} drifted; rerun with UPDATE_GOLDEN=1 if intended"


@pytest.mark.parametrize(("name", "tender", "core"), [("core.md", core_profile(), None), ("borough.md", borough_profile(), core_profile())])
def test_markdown_annex_matches_golden(name: str, tender, core) -> None:  # type: ignore[no-untyped-def]
    _check(name, render_markdown(build_annex(tender, TITLES, core, SCHEMAS)))
