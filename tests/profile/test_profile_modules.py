"""Profile modules: the housing profile's modules, requirement tags, overlays' require_modules and the standards year."""

from __future__ import annotations

import pytest

from interopcheck.entities import ENTITIES
from interopcheck.errors import ProfileError
from interopcheck.profile.load import load_profile
from interopcheck.profile.modules import missing_targets

from .conftest import CASES, HOUSING

VALID = CASES / "profiles" / "valid"

EXPECTED = {
    "tenancy-management": ("property", "person", "tenancy", "household-member", "void"),
    "rents": ("property", "person", "tenancy", "rent-account", "rent-transaction"),
    "repairs": ("property", "repair"),
    "asb": ("property", "person", "asb-case"),
    "homelessness": ("person", "homelessness-case", "household-member"),
    "leasehold": ("property", "person", "leasehold"),
    "allocations": ("property", "person", "register-application"),
    "temporary-accommodation": ("property", "person", "homelessness-case", "ta-placement"),
    "compliance": ("property", "compliance-certificate"),
    "complaints": ("property", "person", "tenancy", "complaint"),
}
#: entities in no module (issue 14: no module holds everything they reference), so their requirements apply to every tender
UNMODULED = {"document", "change-event"}
#: the entity each per-entity requirement tests (HSG-DATA-01..09, then HSG-DATA-16..23)
DATA_ENTITY = {**{n: ENTITIES[n - 1] for n in range(1, 10)}, **{n: ENTITIES[n - 7] for n in range(16, 24)}}


@pytest.fixture(scope="module")
def housing():  # type: ignore[no-untyped-def]
    return load_profile("housing")


def test_housing_modules_and_their_entities(housing) -> None:  # type: ignore[no-untyped-def]
    assert {m.id: m.entities for m in housing.modules} == EXPECTED
    assert [m.id for m in housing.modules] == list(EXPECTED)
    assert all(m.title and m.source for m in housing.modules)
    assert {e for m in housing.modules for e in m.entities} == set(ENTITIES) - UNMODULED  # every other entity belongs to a module


def test_every_module_holds_what_its_records_reference(housing) -> None:  # type: ignore[no-untyped-def]
    for module in housing.modules:
        assert missing_targets(module.entities) == {}, module.id
    assert missing_targets(("rent-account",)) == {"tenancy": ["rent-account.tenancy_id"]}


def test_entity_requirements_carry_the_modules_of_their_entity(housing) -> None:  # type: ignore[no-untyped-def]
    for n, entity in DATA_ENTITY.items():
        req = housing.requirement(f"HSG-DATA-{n:02d}")
        assert entity in req.checks[0]
        assert req.modules == tuple(m.id for m in housing.modules if entity in m.entities), req.id
    tagged = {r.id for r in housing.requirements if r.modules}
    returns = {"HSG-RET-01", "HSG-RET-02"}  # the CORE log (tenancy-management) and H-CLIC (homelessness)
    assert tagged == {f"HSG-DATA-{n:02d}" for n, e in DATA_ENTITY.items() if e not in UNMODULED} | returns  # every other requirement applies to every tender


def test_modules_requirement_is_a_static_must(housing) -> None:  # type: ignore[no-untyped-def]
    req = housing.requirement("HSG-DATA-15")
    assert (req.level.value, req.mode.value, req.checks, req.modules) == ("MUST", "static", ("data.modules",), ())


def test_standards_year_default_and_range(housing) -> None:  # type: ignore[no-untyped-def]
    assert housing.standards_year == 2026
    assert housing.standards_years == (2023, 2024, 2025, 2026)


def test_resolved_profile_lists_modules_year_and_tags(housing) -> None:  # type: ignore[no-untyped-def]
    data = housing.resolved()
    assert [m["id"] for m in data["modules"]] == list(EXPECTED)
    assert data["modules"][2]["entities"] == ["property", "repair"]
    assert data["standards_year"] == 2026 and data["standards_years"] == [2023, 2024, 2025, 2026]
    assert "require_modules" not in data
    assert next(r for r in data["requirements"] if r["id"] == "HSG-DATA-08")["modules"] == ["homelessness", "temporary-accommodation"]


def test_overlay_requires_modules_in_profile_order(housing) -> None:  # type: ignore[no-untyped-def]
    profile = load_profile("housing", [VALID / "modules-overlay.yaml"])
    assert profile.require_modules == ("repairs", "homelessness")
    assert profile.require_modules_origin == "tests/cases/profiles/valid/modules-overlay.yaml:5"
    assert profile.standards_year == 2025  # an overlay may pin the year
    assert profile.requirement("HSG-LOCAL-08").modules == ("repairs",)
    assert profile.resolved()["require_modules"] == ["repairs", "homelessness"]
    assert profile.sha256 != housing.sha256
    assert housing.require_modules is None  # the base profile leaves the tender's modules to the run


def test_example_borough_overlay_requires_every_module() -> None:
    profile = load_profile("housing", [HOUSING / "overlays" / "example-borough.yaml"])
    assert profile.require_modules == tuple(EXPECTED)


def test_override_with_an_unknown_module_names_its_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    overlay = tmp_path / "bad.yaml"
    overlay.write_text("id: bad\nversion: '1'\nextends: housing\noverrides:\n  HSG-DATA-06:\n    modules: [repairs, asbb]\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad.yaml:6: requirement HSG-DATA-06 names unknown module 'asbb'; did you mean 'asb'\?"):
        load_profile("housing", [overlay])


def test_annex_lists_modules_with_entities_and_requirements(housing) -> None:  # type: ignore[no-untyped-def]
    from interopcheck.profile.render import render_annex

    md = render_annex(housing, "md", {})
    assert "## Modules" in md
    assert "| repairs | Repairs | property, repair | HSG-DATA-01, HSG-DATA-06 |" in md
    assert "| homelessness | Homelessness and housing options | person, homelessness-case, household-member | HSG-DATA-02, HSG-DATA-08, HSG-DATA-17, HSG-RET-02 |" in md
    assert "every module is required" in md and "fails HSG-DATA-15" in md
    assert "- **Modules:** homelessness, temporary-accommodation (applies when the tender requires or the product offers one of them)" in md
    assert "checked against the 2026/27 collection year" in md and "2023/24, 2024/25, 2025/26" in md
    assert md.index("## Modules") < md.index("## Requirements at a glance")
    html = render_annex(housing, "html", {})
    assert "<h2>Modules</h2>" in html and "<td>repairs</td><td>Repairs</td><td>property, repair</td>" in html
    assert "<dt>Modules</dt><dd>homelessness, temporary-accommodation</dd>" in html


def test_annex_of_an_overlay_names_the_tender_modules() -> None:
    from interopcheck.profile.render import render_annex

    md = render_annex(load_profile("housing", [VALID / "modules-overlay.yaml"]), "md", {})
    assert "This tender requires these modules: repairs, homelessness." in md
    assert "checked against the 2025/26 collection year" in md


def test_annex_of_a_profile_without_modules_has_no_modules_section() -> None:
    from interopcheck.profile.render import render_annex

    md = render_annex(load_profile(VALID / "minimal.yaml"), "md", {})
    assert "## Modules" not in md and "collection year" not in md
