"""Every bundled standard: valid 2020-12, cited, and its example records accepted or rejected as expected."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from interopcheck.resources import standards_dir
from interopcheck.standards import load_standards

CASES = Path(__file__).resolve().parents[1] / "cases" / "standards"
REGISTRY = load_standards()
NAMES = REGISTRY.names


def _cases() -> list[tuple[str, str, Path]]:
    out = []
    for name in NAMES:
        for kind in ("valid", "invalid"):
            out += [(name, kind, path) for path in sorted((CASES / name / kind).glob("*.json"))]
    return out


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_2020_12_and_cited(name: str) -> None:
    """Each file passes the 2020-12 metaschema and carries $id, x-version and a cited source."""
    schema = REGISTRY.schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://standards.interopcheck.org/{name}.json"
    assert schema["x-version"]
    assert schema["$comment"] and schema["x-source"]["citation"] and schema["x-source"]["url"]


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_has_valid_and_invalid_cases(name: str) -> None:
    """A standard without both kinds of example is untested."""
    assert list((CASES / name / "valid").glob("*.json")), f"no valid cases for {name}"
    assert list((CASES / name / "invalid").glob("*.json")), f"no invalid cases for {name}"


@pytest.mark.parametrize(("name", "kind", "path"), _cases(), ids=lambda v: v.stem if isinstance(v, Path) else str(v))
def test_case_through_loader(name: str, kind: str, path: Path) -> None:
    """The compiled validator accepts the valid cases and rejects the invalid ones, with errors."""
    record = json.loads(path.read_text(encoding="utf-8"))
    validator = REGISTRY.validator(name)
    errors = validator.errors(record)
    if kind == "valid":
        assert validator.is_valid(record), errors
        assert errors == []
    else:
        assert not validator.is_valid(record)
        assert errors and all(e.kind and e.message for e in errors)


def test_readme_lists_every_schema() -> None:
    """standards/README.md names every schema file."""
    readme = (standards_dir() / "README.md").read_text(encoding="utf-8")
    missing = [n for n in NAMES if f"{n}.json" not in readme]
    assert not missing


def test_london_boroughs_are_the_33_e09_codes() -> None:
    """E09000001 (City of London) to E09000033 (Westminster), each named."""
    schema = REGISTRY.schema("common/london-borough")
    assert schema["enum"] == [f"E09{n:06d}" for n in range(1, 34)]
    assert schema["x-labels"]["E09000001"] == "City of London"
    assert schema["x-labels"]["E09000033"] == "Westminster"


def test_entity_schemas_match_the_contract() -> None:
    """One schema per entity of interopcheck.entities, each requiring id and updated_at."""
    from interopcheck.entities import ENTITIES

    assert REGISTRY.entities == ENTITIES
    for entity in ENTITIES:
        assert {"id", "updated_at"} <= set(REGISTRY.schema(entity)["required"])


@pytest.mark.parametrize(
    ("field", "codelist"),
    [
        ("tenancy", "tenancy-type"),
        ("unittype_gn", "property-type"),
        ("rent_type", "core-rent-type"),
        ("reason", "core-reason-for-leaving"),
        ("period", "core-rent-period"),
        ("rsnvac", "core-reason-for-vacancy"),
        ("reasonpref", "core-reasonable-preference"),
    ],
)
def test_core_return_uses_the_code_lists_of_the_standard(field: str, codelist: str) -> None:
    """The CORE return's coded answers are the standard's own code lists (CORE codes), so records need no translation."""
    core = REGISTRY.schema("returns/core-lettings")
    assert core["properties"][field] == {"$ref": f"../codelists/{codelist}.json"}
    assert REGISTRY.fields("returns/core-lettings")[f"/{field}"].enum == tuple(REGISTRY.schema(f"codelists/{codelist}")["enum"])


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("codelists/occupancy-status", ["occupied", "void"]),
        ("codelists/asb-party-role", ["complainant", "victim", "witness", "alleged-perpetrator"]),
        ("codelists/document-type", ["case-note", "letter", "photo", "tenancy-agreement", "certificate", "evidence", "other"]),
        ("codelists/register-application-status", ["active", "suspended", "housed", "cancelled", "closed"]),
        ("codelists/ta-cost-period", ["night", "week"]),
        ("codelists/certificate-status", ["valid", "expired", "pending", "remedial-action-required"]),
        (
            "codelists/compliance-certificate-type",
            ["gas-safety", "electrical", "fire-risk-assessment", "asbestos", "water-risk-assessment", "lift", "portable-appliance-test", "energy-performance-certificate"],
        ),
    ],
)
def test_lists_without_a_national_source_say_so(name: str, codes: list[str]) -> None:
    """Lists of our own (issue 13) carry their codes in x-codes and say "no national code list" in their citation.

    occupancy-status: Hackney's AssetManagement.PropertyOccupiedStatus (LBHackney-IT/asset-shared,
    Hackney.Shared.Asset/Domain/AssetManagement.cs @6b4ff10e9010e56972519142ac2e54a58638770b) is free text.
    """
    schema = REGISTRY.schema(name)
    assert schema["enum"] == codes == [c["code"] for c in schema["x-codes"]]
    assert schema["x-source"]["citation"].startswith("no national code list")


@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith("codelists/")])
def test_every_code_list_carries_labelled_codes_and_says_where_they_come_from(name: str) -> None:
    """x-codes lists every enum code once, with a label; the source is pinned (repository, path, commit), or the list
    says it has no national source, or it says what could not be verified (issue 13: no labels of our own passed off)."""
    schema = REGISTRY.schema(name)
    codes = [entry["code"] for entry in schema["x-codes"]]
    assert codes == schema["enum"] and len(set(map(repr, codes))) == len(codes)
    assert all("label" in entry for entry in schema["x-codes"])
    source = schema["x-source"]
    pinned = all(source.get(k) for k in ("repository", "path", "commit"))
    assert pinned or source["citation"].startswith("no national code list") or source.get("unverified"), source


def test_asb_category_is_nsirs_three_qualifiers() -> None:
    """NSIR 2011 chapter 2.5 qualifies ASB incidents as Personal, Nuisance or Environmental (as the MPS ASB dataset page
    on the London Datastore restates them, "in line with the National Standard for Incident Recording")."""
    schema = REGISTRY.schema("codelists/asb-category")
    assert [(c["code"], c["label"]) for c in schema["x-codes"]] == [("personal", "Personal"), ("nuisance", "Nuisance"), ("environmental", "Environmental")]
    assert "NSIR" in schema["x-source"]["citation"] and schema["x-source"]["unverified"]


def test_compliance_types_map_to_the_damp_and_mould_codes() -> None:
    """Issue 14: where the damp and mould model names a certificate kind (certification_type_code in
    Data Definition Language (DDL)/property_component.sql @ef4e66ea), the code says which; CPC, worded two ways in
    that repository, is mapped to nothing; asbestos, water and lift have no code there."""
    schema = REGISTRY.schema("codelists/compliance-certificate-type")
    mapped = {e["code"]: e.get("source_codes") for e in schema["x-codes"]}
    assert mapped["gas-safety"] == ["LGSR"] and mapped["electrical"] == ["EICR", "EIC"] and mapped["fire-risk-assessment"] == ["FRA"]
    assert mapped["asbestos"] is None and mapped["water-risk-assessment"] is None and mapped["lift"] is None
    assert not any("CPC" in (codes or []) for codes in mapped.values())
    assert schema["x-source"]["commit"] == "ef4e66ea24e3a5b337b5d309d96b0fe325727a54" and schema["x-source"]["unverified"]


def test_complaint_stages_are_the_codes_two_stages() -> None:
    """The Housing Ombudsman's Complaint Handling Code allows exactly two stages (issue 14)."""
    schema = REGISTRY.schema("codelists/complaint-stage")
    assert schema["enum"] == ["stage-1", "stage-2"]
    assert "no more than 2 stages" in schema["x-source"]["citation"] and schema["x-source"]["unverified"]


def test_core_return_relationships_use_the_core_relationship_list() -> None:
    """relat2..relat8 (issue 14): CORE's relationship codes, or null for a person the household does not have."""
    core = REGISTRY.schema("returns/core-lettings")
    for n in range(2, 9):
        assert core["properties"][f"relat{n}"] == {"anyOf": [{"$ref": "../codelists/core-relationship.json"}, {"type": "null"}]}
