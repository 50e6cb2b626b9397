"""Fixtures for the config tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .clirun import write_specs


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    """A folder holding good.json and http.json (see `clirun.write_specs`)."""
    return write_specs(tmp_path / "work")
