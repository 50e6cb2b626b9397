"""Each fault in the sandbox's data, exports and returns is caught by the requirement it names, over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from .fault_runs import DATA_FAULTS, assert_caught

pytestmark = pytest.mark.acceptance


@pytest.mark.parametrize("fault", sorted(DATA_FAULTS))
def test_each_fault_is_caught_by_the_requirement_it_names(fault: str, tmp_path: Path) -> None:
    assert_caught(fault, tmp_path)
