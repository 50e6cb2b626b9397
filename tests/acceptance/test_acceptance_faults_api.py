"""Each fault in the sandbox API's HTTP behaviour is caught by the requirement it names, over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.sandbox.faults import FAULTS

from .fault_runs import API_FAULTS, assert_caught

pytestmark = pytest.mark.acceptance


def test_the_api_faults_are_sandbox_faults() -> None:
    assert API_FAULTS <= set(FAULTS)


@pytest.mark.parametrize("fault", sorted(API_FAULTS))
def test_each_fault_is_caught_by_the_requirement_it_names(fault: str, tmp_path: Path) -> None:
    assert_caught(fault, tmp_path)
