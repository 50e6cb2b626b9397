"""The run's scope: required and offered modules decide which entities and requirements apply (static runs).

A homelessness-only declaration against the reference sandbox's API description: the tender's
modules come from --require-modules (here `RunRequest.require_modules`), an overlay, or the default.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interopcheck.checks.context import CheckContext, Scope
from interopcheck.checks.registry import get, run_check
from interopcheck.declaration import Declaration, load_declaration
from interopcheck.engine import evaluate
from interopcheck.engine.run import RunRequest, run
from interopcheck.engine.scope import resolve_scope
from interopcheck.errors import DeclarationError, UsageError
from interopcheck.model import Level, Mode, Requirement, Source, Status, Verdict
from interopcheck.profile.load import load_profile
from interopcheck.report.json_report import to_dict, validation_errors
from interopcheck.sandbox.openapi import build_spec
from interopcheck.sandbox.server import DECLARATION_PATH

CASES = Path(__file__).parent / "cases"
HOMELESSNESS_ONLY = CASES / "homelessness-only.yaml"
ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ROOT / "tests" / "cases" / "profiles" / "valid"
NEITHER = "neither required by the tender nor offered by the product"
HOMELESSNESS_REQS = {"HSG-DATA-02", "HSG-DATA-08"}  # person, homelessness-case


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("spec") / "openapi.json"
    path.write_text(json.dumps(build_spec()), encoding="utf-8")
    return str(path)


def _run(spec: str, declaration: Path | None = HOMELESSNESS_ONLY, **kw: Any) -> dict[str, Any]:
    request = RunRequest(spec=spec, declaration=str(declaration) if declaration else None, **kw)
    report = to_dict(run(request).report)
    assert validation_errors(report) == []
    return report


def _outcomes(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["requirement_id"]: o for o in report["outcomes"]}


@pytest.fixture(scope="module")
def homelessness_tender(spec_path: str) -> dict[str, Any]:
    return _run(spec_path, require_modules=("homelessness",))


def test_out_of_scope_entity_musts_are_not_applicable(homelessness_tender: dict[str, Any]) -> None:
    outcomes = _outcomes(homelessness_tender)
    for n in range(1, 10):
        rid = f"HSG-DATA-{n:02d}"
        if rid in HOMELESSNESS_REQS:
            assert outcomes[rid]["status"] != "not_applicable", rid
            continue
        assert outcomes[rid]["status"] == "not_applicable", rid
        assert NEITHER in outcomes[rid]["reason"], rid
        # their per-entity checks did not run: not applicable with the same kind of reason
        assert all(c["status"] == "not_applicable" and NEITHER in c["summary"] for c in outcomes[rid]["checks"]), rid
    assert outcomes["HSG-DATA-06"]["reason"] == f"module repairs is {NEITHER}"
    # the entities in scope were checked: their operations are declared and exist
    data_ops = {c["check_id"]: c["status"] for o in outcomes.values() for c in o["checks"] if c["check_id"].startswith("data.operations.")}
    assert data_ops["data.operations.person"] == "pass" and data_ops["data.operations.homelessness-case"] == "pass"


def test_homelessness_only_product_fails_no_must(homelessness_tender: dict[str, Any]) -> None:
    outcomes = _outcomes(homelessness_tender)
    assert outcomes["HSG-DATA-15"]["status"] == "pass"
    assert "homelessness" in outcomes["HSG-DATA-15"]["reason"]
    failed = [rid for rid, o in outcomes.items() if o["level"] == "MUST" and o["status"] == "fail"]
    assert failed == []
    assert homelessness_tender["verdict"] != "not_conformant"  # incomplete: no sandbox, so live MUSTs skip
    assert homelessness_tender["counts"]["musts_failed"] == 0


def test_report_records_the_scope(homelessness_tender: dict[str, Any]) -> None:
    modules = homelessness_tender["modules"]
    assert modules["required"] == ["homelessness"] and modules["required_from"] == "flag"
    assert modules["offered"] == ["homelessness"] and modules["offered_from"] == "declaration"
    assert modules["applicable"] == ["homelessness"]
    assert modules["entities"] == ["person", "homelessness-case", "document", "household-member", "change-event"]
    assert [m["module"] for m in modules["not_applicable"]] == ["tenancy-management", "rents", "repairs", "asb", "leasehold", "allocations", "temporary-accommodation", "compliance", "complaints"]
    assert homelessness_tender["standards_year"] == 2026  # the profile's default
    assert homelessness_tender["run"]["options"]["require_modules"] == ["homelessness"]


def test_required_module_not_offered_fails(spec_path: str) -> None:
    report = _run(spec_path, require_modules=("homelessness", "repairs"))
    outcomes = _outcomes(report)
    data15 = outcomes["HSG-DATA-15"]
    assert data15["status"] == "fail" and "repairs" in data15["reason"] and "homelessness" not in data15["reason"]
    # repairs is applicable (required), so its entities are in scope and missing from the declaration
    for rid, entity in (("HSG-DATA-01", "property"), ("HSG-DATA-06", "repair")):
        assert outcomes[rid]["status"] == "fail", (rid, outcomes[rid]["reason"])
        assert f"the declaration does not map {entity}" in outcomes[rid]["reason"]
    assert outcomes["HSG-DATA-04"]["status"] == "not_applicable"  # rents: still neither required nor offered
    assert report["verdict"] == "not_conformant"
    assert report["modules"]["applicable"] == ["repairs", "homelessness"]
    assert report["modules"]["entities"] == ["property", "person", "repair", "homelessness-case", "document", "household-member", "change-event"]


def test_default_tender_requires_every_module(spec_path: str) -> None:
    report = _run(spec_path)
    data15 = _outcomes(report)["HSG-DATA-15"]
    assert report["modules"]["required_from"] == "default"
    assert data15["status"] == "fail"
    assert "tenancy-management, rents, repairs, asb, leasehold" in data15["reason"]


def test_overlay_sets_the_tender_modules_and_the_flag_overrides_it(spec_path: str) -> None:
    overlay = str(OVERLAYS / "modules-overlay.yaml")  # require_modules: [homelessness, repairs]
    by_overlay = _run(spec_path, overlays=(overlay,))
    assert by_overlay["modules"]["required"] == ["repairs", "homelessness"]
    assert by_overlay["modules"]["required_from"] == "overlay"
    assert _outcomes(by_overlay)["HSG-DATA-15"]["status"] == "fail"
    assert by_overlay["standards_year"] == 2025  # the overlay pins the year
    by_flag = _run(spec_path, overlays=(overlay,), require_modules=("homelessness",))
    assert by_flag["modules"]["required_from"] == "flag"
    assert _outcomes(by_flag)["HSG-DATA-15"]["status"] == "pass"
    assert _outcomes(by_flag)["HSG-LOCAL-08"]["status"] == "not_applicable"  # tagged repairs, not applicable here


def test_declaration_without_modules_offers_every_module(spec_path: str) -> None:
    report = _run(spec_path, declaration=DECLARATION_PATH)
    modules = report["modules"]
    assert modules["offered_from"] == "default" and modules["applicable"] == modules["required"]
    assert len(modules["applicable"]) == 10 and modules["not_applicable"] == []
    outcomes = _outcomes(report)
    assert outcomes["HSG-DATA-15"]["status"] == "pass"
    assert not any(o["status"] == "not_applicable" for rid, o in outcomes.items() if rid.startswith("HSG-DATA-0"))


def test_no_declaration_skips_the_modules_requirement(spec_path: str) -> None:
    report = _run(spec_path, declaration=None)
    assert _outcomes(report)["HSG-DATA-15"]["status"] == "skip"
    assert report["modules"]["offered_from"] == "no declaration"


def test_standards_year_chosen_and_refused(spec_path: str) -> None:
    assert _run(spec_path, standards_year=2024)["standards_year"] == 2024
    with pytest.raises(UsageError, match=r"--standards-year 2019 is not a year of profile housing") as info:
        _run(spec_path, standards_year=2019)
    assert "2025 (2025/26)" in (info.value.hint or "")


def test_unknown_required_module_is_a_usage_error_with_a_suggestion(spec_path: str) -> None:
    with pytest.raises(UsageError, match=r"--require-modules: unknown module 'repair'; did you mean 'repairs'\?"):
        _run(spec_path, require_modules=("repair",))


def test_unknown_offered_module_names_the_declaration_line(tmp_path: Path, spec_path: str) -> None:
    bad = tmp_path / "declaration.yaml"
    bad.write_text(HOMELESSNESS_ONLY.read_text(encoding="utf-8").replace("modules: [homelessness]", "modules: [homelesness]"), encoding="utf-8")
    with pytest.raises(DeclarationError, match=r"declaration.yaml:6: modules names unknown module 'homelesness'; did you mean 'homelessness'\?"):
        _run(spec_path, declaration=bad)


# ------------------------------------------------------------------ units: the scope and its use


def test_resolve_scope_orders_and_unites_required_and_offered() -> None:
    profile = load_profile("housing")
    declaration = load_declaration(HOMELESSNESS_ONLY)
    scope = resolve_scope(profile, declaration, ("repairs",))
    assert scope.applicable == ("repairs", "homelessness")
    # document, household-member and change-event are in no module (issue 14), so every tender has them in scope
    unmoduled = ("document", "household-member", "change-event")
    assert scope.entities == ("property", "person", "repair", "homelessness-case", *unmoduled)
    assert {(r.entity, r.target) for r in scope.references} == {
        ("repair", "property"),
        ("homelessness-case", "person"),
        ("document", "person"),
        ("document", "property"),
        ("document", "homelessness-case"),
        ("household-member", "person"),
        ("household-member", "homelessness-case"),
    }
    assert scope.out_of_scope["tenancy"] == f"modules tenancy-management, rents, complaints are {NEITHER}"
    assert [(r.entity, r.target) for r in scope.skipped_references()] == [("document", "tenancy"), ("document", "asb-case"), ("household-member", "tenancy")]
    narrow = resolve_scope(profile, declaration, ("homelessness",))
    assert narrow.entities == ("person", "homelessness-case", *unmoduled)


def test_profile_without_modules_has_everything_in_scope() -> None:
    profile = load_profile(ROOT / "tests" / "cases" / "profiles" / "valid" / "minimal.yaml")
    assert resolve_scope(profile, None) == Scope()
    with pytest.raises(UsageError, match="defines no modules"):
        resolve_scope(profile, None, ("repairs",))


def test_out_of_scope_per_entity_check_is_not_run() -> None:
    scope = resolve_scope(load_profile("housing"), None, ("homelessness",))
    scope = Scope(scope.required, "flag", ("homelessness",), "declaration", ("homelessness",), scope.entities, scope.references,
                  {"repair": f"module repairs is {NEITHER}"})
    ctx = CheckContext(declaration=Declaration.from_dict({"entities": {}}), scope=scope)
    result = run_check(get("data.mapping.repair"), ctx)  # would skip without a spec if it ran
    assert result.status is Status.NOT_APPLICABLE and result.summary == f"module repairs is {NEITHER}"
    assert run_check(get("data.mapping.person"), ctx).status is Status.SKIP  # in scope: it runs (and skips, no spec)


def test_requirement_of_no_applicable_module_is_not_applicable_whatever_its_checks() -> None:
    from interopcheck.model import CheckResult

    req = Requirement("R", "r", Level.MUST, Mode.STATIC, (Source("x"),), ("a",), modules=("repairs", "asb"))
    results = {"a": CheckResult("a", Status.FAIL, "broken")}
    scope = Scope(("homelessness",), "flag", ("homelessness",), "declaration", ("homelessness",))
    outcome = evaluate.evaluate_requirement(req, results, None, scope)
    assert outcome.status is Status.NOT_APPLICABLE and outcome.reason == f"modules repairs, asb are {NEITHER}"
    assert evaluate.verdict_of([outcome]) is Verdict.CONFORMANT
    applicable = Scope(("repairs",), "flag", ("homelessness",), "declaration", ("repairs", "homelessness"))
    assert evaluate.evaluate_requirement(req, results, None, applicable).status is Status.FAIL
    assert evaluate.evaluate_requirement(req, results, None).status is Status.FAIL  # no scope: as before
