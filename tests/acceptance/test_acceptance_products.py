"""The CLI against the sandbox's two variant products over real HTTP: value mapping and modules, end to end.

- own-codes serves a few fields under the supplier's own names and codes; its bundled declaration maps
  them back (value maps, the `date` transform), so it conforms; a map cut by one code, or removed, fails
  and the report names the supplier's values.
- homelessness-only serves people and homelessness cases (and the documents, household members and change
  events every tender requires); it conforms for a tender that requires
  only the homelessness module and fails HSG-DATA-15 for one that also requires repairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import yaml

from interopcheck.sandbox.products import TENURE_TYPES
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

from .conftest import SECRET_ENV, CliResult, check_args, run_cli

pytestmark = pytest.mark.acceptance

SATISFIED = {"pass", "attested", "not_applicable"}
#: Every walked record is validated (the datasets are small), so live and export findings count the same records.
FAST = ("--max-examples", "1", "--sample", "500")
#: The requirements of the entities (HSG-DATA-01 property ... HSG-DATA-09 leasehold).
ENTITY_REQUIREMENTS = tuple(f"HSG-DATA-0{n}" for n in range(1, 10))
CUT = "PERIODIC"  # the supplier's code for CORE tenancy type 8 (Periodic)


@pytest.fixture(scope="module")
def own_codes() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(records=60, seed=5, product="own-codes")) as server:
        yield server


@pytest.fixture(scope="module")
def homelessness_only() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(records=120, seed=5, product="homelessness-only")) as server:
        yield server


def _check(server: SandboxServer, out: Path, *extra: str, declaration: Path | None = None) -> CliResult:
    """`interopcheck check` against `server`, with its bundled declaration or `declaration`."""
    args = check_args(server, out, *FAST, *extra)
    if declaration is not None:
        args[args.index("--declaration") + 1] = str(declaration)
    return run_cli(args, out, env={SECRET_ENV: server.client_secret})


def _checks(result: CliResult, check_id: str) -> dict[str, Any]:
    assert result.report is not None, result.stderr
    return next(c for o in result.report["outcomes"] for c in o["checks"] if c["check_id"] == check_id)


def _declaration(server: SandboxServer, tmp_path: Path, change: Any) -> Path:
    """The server's bundled declaration, changed by `change(raw)` and written to tmp_path."""
    raw = yaml.safe_load(server.declaration_path.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "declaration.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _served_tenancy_types(server: SandboxServer) -> list[tuple[str, str]]:
    """(id, tenureType) of every tenancy in the sandbox's NDJSON export, in order."""
    token = httpx.post(
        f"{server.base_url}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": server.client_id, "client_secret": server.client_secret},
    ).json()["access_token"]
    body = httpx.get(f"{server.base_url}/v1/exports/tenancy.ndjson", headers={"Authorization": f"Bearer {token}"}).content
    return [(r["id"], r["tenureType"]) for r in map(orjson.loads, body.splitlines())]


def test_own_codes_with_its_declaration_is_conformant(own_codes: SandboxServer, tmp_path: Path) -> None:
    result = _check(own_codes, tmp_path / "reports")
    assert result.code == 0, result.stderr + result.stdout
    assert result.report is not None and result.report["verdict"] == "conformant"
    unmet = [(o["requirement_id"], o["status"], o["reason"]) for o in result.report["outcomes"] if o["level"] == "MUST" and o["status"] not in SATISFIED]
    assert unmet == []
    for requirement_id in ("HSG-EXP-03", "HSG-DATA-13", *ENTITY_REQUIREMENTS):
        assert result.outcome(requirement_id)["status"] == "pass", result.outcome(requirement_id)["reason"]
    assert _checks(result, "data.mapping.tenancy")["summary"].startswith("8 of 8 required tenancy fields mapped")


def test_own_codes_with_a_value_map_cut_by_one_code_names_the_unmapped_value(own_codes: SandboxServer, tmp_path: Path) -> None:
    declaration = _declaration(own_codes, tmp_path, lambda raw: raw["entities"]["tenancy"]["fields"]["/tenancy_type"]["values"].pop(CUT))
    served = _served_tenancy_types(own_codes)
    cut = [record_id for record_id, code in served if code == CUT]
    assert cut, f"no tenancy is {CUT}: the test would prove nothing"
    result = _check(own_codes, tmp_path / "reports", declaration=declaration)
    assert result.code == 1, result.stderr + result.stdout
    assert result.report is not None and result.report["verdict"] == "not_conformant"
    for check_id in ("live.records.tenancy", "export.records.tenancy"):
        check = _checks(result, check_id)
        assert check["status"] == "fail", check["summary"]
        assert "1 value(s) outside the declaration's value maps" in check["summary"]
        unmapped = [f for f in check["findings"] if "value map" in f["message"]]
        assert [f["data"] for f in unmapped] == [{"field": "/tenancy_type", "value": CUT, "count": len(cut), "first_id": cut[0], "other_values": False}], check_id
        assert f"value {CUT!r} not in the declaration's value map ({len(cut)} record(s), first in record {cut[0]})" in unmapped[0]["message"]
    assert result.outcome("HSG-EXP-03")["status"] == "fail"
    assert result.outcome("HSG-DATA-03")["status"] == "fail"  # live.records.tenancy
    assert CUT in _checks(result, "data.code-lists")["findings"][0]["message"]  # the spec's enum names it too (SHOULD)


def test_own_codes_without_the_value_map_fails_quoting_the_supplier_codes(own_codes: SandboxServer, tmp_path: Path) -> None:
    def drop_map(raw: dict[str, Any]) -> None:
        del raw["entities"]["tenancy"]["fields"]["/tenancy_type"]["values"]

    result = _check(own_codes, tmp_path / "reports", declaration=_declaration(own_codes, tmp_path, drop_map))
    assert result.code == 1, result.stderr + result.stdout
    assert result.report is not None and result.report["verdict"] == "not_conformant"
    served = Counter(code for _, code in _served_tenancy_types(own_codes))
    for check_id in ("live.records.tenancy", "export.records.tenancy"):
        check = _checks(result, check_id)
        assert check["status"] == "fail" and "failed" in check["summary"]
        quoted = {code for code in TENURE_TYPES.values() for f in check["findings"] if f'"{code}" is not of type "integer"' in f["message"]}
        assert quoted and quoted <= set(served), check_id
    assert _checks(result, "export.records.tenancy")["summary"].startswith(f"{sum(served.values())} of {sum(served.values())} tenancy records failed")
    mapping = _checks(result, "data.mapping.tenancy")
    assert mapping["status"] == "fail" and any("/tenancy_type (mapped to /tenureType): declared string, the standard needs integer" in f["message"] for f in mapping["findings"])
    for requirement_id in ("HSG-DATA-03", "HSG-EXP-03"):
        assert result.outcome(requirement_id)["status"] == "fail"


NOT_OFFERED = {"HSG-DATA-01": "property", "HSG-DATA-03": "tenancy", "HSG-DATA-04": "rent-account", "HSG-DATA-05": "rent-transaction", "HSG-DATA-06": "repair", "HSG-DATA-07": "asb-case", "HSG-DATA-09": "leasehold"}


def test_homelessness_only_is_conformant_for_a_homelessness_tender(homelessness_only: SandboxServer, tmp_path: Path) -> None:
    result = _check(homelessness_only, tmp_path / "reports", "--require-modules", "homelessness")
    assert result.code == 0, result.stderr + result.stdout
    assert result.report is not None and result.report["verdict"] == "conformant"
    for requirement_id in ("HSG-DATA-02", "HSG-DATA-08", "HSG-DATA-15", "HSG-EXP-01", "HSG-EXP-03", "HSG-EXP-05"):
        assert result.outcome(requirement_id)["status"] == "pass", (requirement_id, result.outcome(requirement_id)["reason"])
    for requirement_id in NOT_OFFERED:
        outcome = result.outcome(requirement_id)
        assert outcome["status"] == "not_applicable", (requirement_id, outcome["status"])
        assert "neither required by the tender nor offered by the product" in outcome["reason"], outcome["reason"]
    assert _checks(result, "export.available")["summary"] == "all 5 entities in scope have a downloadable export"


def test_homelessness_only_fails_a_tender_that_also_requires_repairs(homelessness_only: SandboxServer, tmp_path: Path) -> None:
    result = _check(homelessness_only, tmp_path / "reports", "--require-modules", "homelessness,repairs")
    assert result.code == 1, result.stderr + result.stdout
    assert result.report is not None and result.report["verdict"] == "not_conformant"
    modules = result.outcome("HSG-DATA-15")
    assert modules["status"] == "fail" and "repairs" in modules["reason"], modules["reason"]
    assert result.outcome("HSG-DATA-06")["status"] == "fail"  # repair: required, not served
    assert result.outcome("HSG-DATA-07")["status"] == "not_applicable"  # asb: neither required nor offered
