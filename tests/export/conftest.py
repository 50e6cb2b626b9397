"""Export tests' fixtures; the fakes live in `export_fakes.py` (importable because this folder is put on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from export_fakes import FakeSandbox  # noqa: E402


@pytest.fixture
def sandbox() -> FakeSandbox:
    """A small consistent fake supplier."""
    return FakeSandbox()
