"""A homelessness-only product against the reference sandbox over real HTTP: the export checks cover only its entities."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from interopcheck.engine.demo import demo_request
from interopcheck.engine.run import run
from interopcheck.report.json_report import to_dict, validation_errors
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

DECLARATION = Path(__file__).parent / "cases" / "homelessness-only.yaml"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(records=40, seed=3)) as server:
        yield server


def _run(server: SandboxServer, modules: tuple[str, ...]) -> dict[str, Any]:
    request = replace(demo_request(server, sample=10), declaration=str(DECLARATION), require_modules=modules)
    report = to_dict(run(request).report)
    assert validation_errors(report) == []
    return report


def _check(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(c for o in report["outcomes"] for c in o["checks"] if c["check_id"] == check_id)


def test_homelessness_tender_is_conformant_for_a_homelessness_product(sandbox: SandboxServer) -> None:
    report = _run(sandbox, ("homelessness",))
    unmet = [(o["requirement_id"], o["status"], o["reason"]) for o in report["outcomes"] if o["level"] == "MUST" and o["status"] not in ("pass", "attested", "not_applicable")]
    assert unmet == []
    assert report["verdict"] == "conformant"
    available = _check(report, "export.available")
    assert available["status"] == "pass" and available["summary"] == "all 5 entities in scope have a downloadable export"
    assert [e["message"].split(":")[0] for e in available["evidence"]] == ["person", "homelessness-case", "document", "household-member", "change-event"]
    assert _check(report, "export.complete")["summary"] == "all 5 entities in scope exported whole"
    assert _check(report, "export.referential-integrity")["status"] == "pass"
    uprn = _check(report, "live.uprn-valid")  # about properties, which no applicable module lists
    assert uprn["status"] == "not_applicable" and "neither required by the tender nor offered by the product" in uprn["summary"]
    assert _check(report, "export.records.repair")["status"] == "not_applicable"


def test_repairs_tender_is_not_conformant_for_a_homelessness_product(sandbox: SandboxServer) -> None:
    report = _run(sandbox, ("homelessness", "repairs"))
    outcomes = {o["requirement_id"]: o for o in report["outcomes"]}
    assert report["verdict"] == "not_conformant"
    assert outcomes["HSG-DATA-15"]["status"] == "fail" and "repairs" in outcomes["HSG-DATA-15"]["reason"]
    assert outcomes["HSG-DATA-06"]["status"] == "fail"  # repair: required, not declared
    assert outcomes["HSG-DATA-07"]["status"] == "not_applicable"  # asb: neither required nor offered
