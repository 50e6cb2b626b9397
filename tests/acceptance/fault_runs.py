"""Each sandbox fault is caught by the requirements it names: the run shared by the two fault test files.

The faults are split by what they break (the API's HTTP behaviour, or the data and exports) into two
files, so `--dist loadfile` runs them on both workers instead of queueing one long file.
"""

from __future__ import annotations

from pathlib import Path

from interopcheck.sandbox.faults import FAULTS
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

from .conftest import SECRET_ENV, check_args, run_cli

FAST = ("--max-examples", "1", "--sample", "20")
#: Faults in the API's HTTP behaviour; every other fault is a data, export or returns fault.
API_FAULTS = frozenset({
    "broken-pagination", "http-only", "no-auth", "no-problem-json", "no-updated-since", "schema-drift",
    "server-errors", "slow", "wrong-content-type",
})
DATA_FAULTS = frozenset(FAULTS) - API_FAULTS


def assert_caught(fault: str, tmp_path: Path) -> None:
    """Run `check` against a sandbox with `fault`: each requirement the fault names fails (MUST) or warns."""
    out = tmp_path / "reports"
    with SandboxServer(SandboxConfig(records=120, seed=3, faults=(fault,))) as server:
        result = run_cli(check_args(server, out, *FAST), out, env={SECRET_ENV: server.client_secret})
    assert result.report is not None, result.stderr
    for requirement_id in FAULTS[fault].requirements:
        outcome = result.outcome(requirement_id)
        expected = "fail" if outcome["level"] == "MUST" else "warn"
        assert outcome["status"] == expected, f"{fault}: {requirement_id} is {outcome['status']}: {outcome['reason']}"
    if any(result.outcome(r)["level"] == "MUST" for r in FAULTS[fault].requirements):
        assert result.code == 1 and result.report["verdict"] == "not_conformant"
