"""HSG-RET-01 and HSG-RET-02 over real HTTP: the CLI against the reference sandbox on 127.0.0.1, passing and failing.

The good sandbox's CORE lettings log and H-CLIC return pass; under `core-invalid-answer` one row's
tenancy type is 9 (not a CORE answer) and HSG-RET-01 fails with a finding naming the row, the field,
the value and the rule with its citation; under `hclic-count-mismatch` a count of table A1 disagrees
with the homelessness cases the API serves and HSG-RET-02 fails. The run uses the housing profile cut
down to its RET requirements, so it does not spend minutes on the others.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from interopcheck.resources import profiles_dir
from interopcheck.sandbox.server import SandboxConfig, SandboxServer
from tests.acceptance.conftest import SECRET_ENV, CliResult, check_args, run_cli

pytestmark = pytest.mark.acceptance
FAST = ("--max-examples", "1", "--sample", "20", "--format", "json,md")


@pytest.fixture(scope="module")
def ret_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The housing profile with only its statutory-return requirements."""
    data = yaml.safe_load((profiles_dir() / "housing" / "profile.yaml").read_text(encoding="utf-8"))
    data["requirements"] = [r for r in data["requirements"] if r["id"] in ("HSG-RET-01", "HSG-RET-02")]
    path = tmp_path_factory.mktemp("profile") / "profile.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _run(faults: tuple[str, ...], profile: Path, tmp_path: Path) -> CliResult:
    out = tmp_path / "reports"
    with SandboxServer(SandboxConfig(records=300, seed=1, faults=faults)) as server:
        return run_cli([*check_args(server, out), *FAST, "--profile", str(profile)], out, env={SECRET_ENV: server.client_secret})


def test_good_sandbox_passes_both_returns(ret_profile: Path, tmp_path: Path) -> None:
    result = _run((), ret_profile, tmp_path)
    core, hclic = result.outcome("HSG-RET-01"), result.outcome("HSG-RET-02")
    assert core["status"] == "pass", core
    assert hclic["status"] == "pass", hclic
    assert result.code == 0, result.stderr
    checks = {c["check_id"]: c for o in result.report["outcomes"] for c in o["checks"]}  # type: ignore[index]
    evidence = " ".join(e["message"] for e in checks["returns.core-lettings"]["evidence"])
    assert "lettings rows for 2026/27" in evidence and "tenancies served by the API start in 2026/27" in evidence
    verified = checks["returns.h-clic"]["summary"]
    assert "verified for the four quarters of 2026/27" in verified and "H-CLIC data specification is not public" in verified


def test_invalid_core_answer_fails_hsg_ret_01_naming_row_field_value_and_rule(ret_profile: Path, tmp_path: Path) -> None:
    result = _run(("core-invalid-answer",), ret_profile, tmp_path)
    assert result.outcome("HSG-RET-01")["status"] == "fail"
    assert result.outcome("HSG-RET-02")["status"] == "pass"
    assert result.code == 1
    checks = {c["check_id"]: c for o in result.report["outcomes"] for c in o["checks"]}  # type: ignore[index]
    (finding,) = checks["returns.core-lettings"]["findings"]
    assert finding["data"] == {"row": 1, "record": 3, "field": 38, "value": "9", "rule": "answer-option",
                               "cite": "app/services/bulk_upload/lettings/year2026/row_parser.rb lines 642-659 @ e46822ea6f4a"}
    assert "row 1" in finding["message"] and "field 38 (What is the type of tenancy?)" in finding["message"] and "'9'" in finding["message"]


def test_hclic_count_mismatch_fails_hsg_ret_02(ret_profile: Path, tmp_path: Path) -> None:
    result = _run(("hclic-count-mismatch",), ret_profile, tmp_path)
    assert result.outcome("HSG-RET-02")["status"] == "fail"
    assert result.outcome("HSG-RET-01")["status"] == "pass"
    checks = {c["check_id"]: c for o in result.report["outcomes"] for c in o["checks"]}  # type: ignore[index]
    findings = checks["returns.h-clic"]["findings"]
    assert findings and all(f["data"]["table"] == "A1" for f in findings), findings
    assert "the homelessness cases the API serves give" in findings[0]["message"]


def test_the_sandbox_returns_need_a_token_and_a_valid_period() -> None:
    with SandboxServer(SandboxConfig(records=60, seed=1)) as server:
        assert httpx.get(f"{server.base_url}/v1/returns/core-lettings", params={"year": "2026"}).status_code == 401
        token = httpx.post(f"{server.base_url}/oauth/token", data={"grant_type": "client_credentials", "client_id": server.client_id, "client_secret": server.client_secret}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{server.base_url}/v1/returns/core-lettings", params={"year": "26"}, headers=auth).status_code == 400
        assert httpx.get(f"{server.base_url}/v1/returns/core-lettings", params={"year": "2025"}, headers=auth).status_code == 404
        assert httpx.get(f"{server.base_url}/v1/returns/h-clic", params={"quarter": "2026-Q5"}, headers=auth).status_code == 400
        csv_answer = httpx.get(f"{server.base_url}/v1/returns/core-lettings", params={"year": "2026"}, headers=auth)
        assert csv_answer.status_code == 200 and csv_answer.headers["content-type"].startswith("text/csv")
        assert csv_answer.text.splitlines()[1].startswith("Field number,1,2,3,")


def test_api_dates_that_are_not_iso_leave_the_returns_unreconciled_not_failed(ret_profile: Path, tmp_path: Path) -> None:
    """Under `bad-dates` the API, not the return, is at fault (HSG-DATA-12): the counts cannot be compared, and the checks say so."""
    result = _run(("bad-dates",), ret_profile, tmp_path)
    hclic, core = result.outcome("HSG-RET-02"), result.outcome("HSG-RET-01")
    assert hclic["status"] == "skip" and "not an ISO date (HSG-DATA-12)" in hclic["reason"], hclic
    assert core["status"] == "skip" and "not an ISO date (HSG-DATA-12)" in core["reason"], core
