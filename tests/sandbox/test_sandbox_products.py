"""The sandbox's products: the own-codes table and declaration agree with the national lists, records are served in
the product's shape, and the homelessness-only product serves (and describes) only its entities: the homelessness
module's two and the three in no module (documents, household members, change events), which every tender requires."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner

from interopcheck.cli import SANDBOX_PRODUCTS, cli
from interopcheck.declaration import load_declaration
from interopcheck.errors import UsageError
from interopcheck.sandbox.codelists import codelist
from interopcheck.sandbox.generate import iter_records
from interopcheck.sandbox.products import HOMELESSNESS_ONLY, OWN_CODES, PRODUCTS, REFERENCE, product_named
from interopcheck.sandbox.server import SandboxConfig, SandboxServer
from interopcheck.sandbox.store import Store

from .conftest import _client

#: What the homelessness-only product serves: its module's entities and those in no module.
SERVED = ("person", "homelessness-case", "document", "household-member", "change-event")
#: (entity, standard field, supplier field, national code list) of every coded own-codes field.
CODED = (
    ("property", "property_type", "unitType", "property-type"),
    ("tenancy", "tenancy_type", "tenureType", "tenancy-type"),
    ("repair", "priority", "priorityCode", "repair-priority"),
    ("homelessness-case", "reason_for_loss_of_settled_home", "lossReason", "hclic-reason-for-loss"),
)


def _rename(entity: str, supplier: str) -> Any:
    return next(r for r in OWN_CODES.renames[entity] if r.supplier == supplier)


@pytest.mark.parametrize(("entity", "standard", "supplier", "codelist_name"), CODED)
def test_own_codes_has_one_own_code_per_national_code(entity: str, standard: str, supplier: str, codelist_name: str) -> None:
    codes = _rename(entity, supplier).codes
    assert sorted(codes, key=str) == sorted(codelist(codelist_name), key=str)
    assert len(set(codes.values())) == len(codes)  # no two national codes share an own code
    assert not set(codes.values()) & {str(c) for c in codelist(codelist_name)}  # really the supplier's own


@pytest.mark.parametrize(("entity", "standard", "supplier", "codelist_name"), CODED)
def test_own_codes_declaration_maps_each_own_code_back(entity: str, standard: str, supplier: str, codelist_name: str) -> None:
    raw = yaml.safe_load(OWN_CODES.declaration_path.read_text(encoding="utf-8"))
    entry = raw["entities"][entity]
    assert entry["mapping"] == "identity"
    rule = entry["fields"][f"/{standard}"]
    assert rule["from"] == f"/{supplier}"
    assert rule["values"] == {own: national for national, own in _rename(entity, supplier).codes.items()}


def test_bundled_declarations_load_and_name_their_products_entities() -> None:
    for product in PRODUCTS.values():
        declaration = load_declaration(product.declaration_path)
        assert tuple(declaration.entities) == product.entities, product.name
        assert {e.entity for e in declaration.exports} == set(product.entities)
    assert load_declaration(HOMELESSNESS_ONLY.declaration_path).modules == ("homelessness",)
    assert load_declaration(OWN_CODES.declaration_path).modules is None


@pytest.mark.parametrize("entity", ["property", "person", "tenancy", "repair", "homelessness-case"])
def test_own_codes_records_map_back_to_the_reference_records(entity: str) -> None:
    mapping = load_declaration(OWN_CODES.declaration_path).entities[entity]
    reference = list(iter_records(entity, records=40, seed=4))
    own = list(iter_records(entity, records=40, seed=4, product=OWN_CODES))
    supplier_fields = {r.supplier for r in OWN_CODES.renames[entity]}
    assert any(supplier_fields <= set(o) for o in own)
    assert not any(r.standard in o or set(r.absorbs) & set(o) for o in own for r in OWN_CODES.renames[entity])
    for ref, sup in zip(reference, own, strict=True):
        mapped = {k: v for k, v in mapping.to_standard(sup).items() if k not in supplier_fields}
        if entity == "person":  # one name: the given and family names come back as the full name
            names = [ref.pop(k) for k in ("given_name", "family_name") if k in ref]
            if names:
                ref["full_name"] = " ".join(names)
        assert mapped == ref


def test_own_codes_serves_its_fields_in_api_csv_spec_and_dictionary(start_sandbox: Callable[..., tuple[SandboxServer, httpx.Client]]) -> None:
    server, client = start_sandbox(records=30, product="own-codes")
    tenancy = client.get("/v1/tenancies", params={"limit": 1}).json()["data"][0]
    assert "tenancy_type" not in tenancy and tenancy["tenureType"] in _rename("tenancy", "tenureType").codes.values()
    assert "start_date" not in tenancy and tenancy["startDateTime"].endswith("T00:00:00Z")
    header = client.get("/v1/exports/tenancy.csv").text.splitlines()[0].split(",")
    assert "tenureType" in header and "startDateTime" in header and "tenancy_type" not in header
    spec = client.get("/openapi.json").json()
    schema = spec["components"]["schemas"]["Tenancy"]
    assert schema["properties"]["tenureType"]["enum"] == list(_rename("tenancy", "tenureType").codes.values())
    assert schema["properties"]["startDateTime"]["format"] == "date-time" and {"tenureType", "startDateTime"} <= set(schema["required"])
    columns = {c["name"]: c for c in client.get("/v1/exports/data-dictionary.json").json()["entities"]["tenancy"]["columns"]}
    assert columns["tenureType"]["standard"] == "/tenancy_type" and columns["startDateTime"]["type"] == "date-time"
    assert [c for c in columns if c in ("tenancy_type", "start_date")] == []
    person = client.get("/v1/persons", params={"limit": 5}).json()["data"]
    assert all("given_name" not in p and "family_name" not in p for p in person) and any("name" in p for p in person)


def test_own_codes_repair_write_takes_and_serves_own_priority_codes(start_sandbox: Callable[..., tuple[SandboxServer, httpx.Client]]) -> None:
    server, client = start_sandbox(records=20, product="own-codes")
    body = {"property_id": "PRP-0000001", "priorityCode": "URG", "description": "Door sticks"}
    created = client.post("/v1/repairs", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["priorityCode"] == "URG" and "priority" not in created.json()
    assert client.get(created.headers["Location"]).json()["priorityCode"] == "URG"
    wrong = client.post("/v1/repairs", json={**body, "priorityCode": "3"})
    assert wrong.status_code == 422 and "priorityCode must be one of our priority codes" in wrong.json()["detail"]


def test_homelessness_only_serves_and_describes_only_its_entities(start_sandbox: Callable[..., tuple[SandboxServer, httpx.Client]]) -> None:
    server, client = start_sandbox(records=40, product="homelessness-only")
    assert client.get("/v1/persons").status_code == 200 and client.get("/v1/homelessness-cases").status_code == 200
    for path in ("/v1/properties", "/v1/properties/PRP-0000001", "/v1/tenancies", "/v1/repairs", "/v1/exports/repair.ndjson", "/v1/exports/tenancy.csv"):
        assert client.get(path).status_code == 404, path
    assert client.post("/v1/repairs", json={}).status_code in (404, 405)
    spec = client.get("/openapi.json").json()
    collections = sorted({p.split("/")[2] for p in spec["paths"] if p.startswith("/v1/") and p.split("/")[2] not in ("exports", "$export", "export-jobs", "deletions", "returns")})
    assert collections == ["change-events", "documents", "homelessness-cases", "household-members", "persons"]
    exports = sorted(p for p in spec["paths"] if p.startswith("/v1/exports/") and not p.startswith("/v1/exports/deleted/"))
    assert exports == sorted([*(f"/v1/exports/{e}.{f}" for e in SERVED for f in ("ndjson", "csv")), "/v1/exports/data-dictionary.json"])
    assert set(spec["components"]["schemas"]) >= {"Person", "HomelessnessCase"} and not {"Property", "Repair", "RepairRequest"} & set(spec["components"]["schemas"])
    assert list(client.get("/v1/exports/data-dictionary.json").json()["entities"]) == list(SERVED)
    assert client.get("/v1/$export", params={"_type": "repair"}, headers={"Prefer": "respond-async"}).status_code == 400
    job = client.get("/v1/$export", headers={"Prefer": "respond-async"}).headers["Content-Location"]
    client.get(job)
    assert [o["type"] for o in client.get(job).json()["output"]] == list(SERVED)


def test_homelessness_only_records_point_only_at_what_it_serves() -> None:
    """Documents, household members and change events of the homelessness product name only people and cases it serves."""
    served = {e: {r["id"] for r in iter_records(e, records=200, seed=3, product=HOMELESSNESS_ONLY)} for e in SERVED}
    assert all(served.values())
    for doc in iter_records("document", records=200, seed=3, product=HOMELESSNESS_ONLY):
        assert doc["tenancy_id"] is doc["property_id"] is doc["asb_case_id"] is None
        assert doc["person_id"] in served["person"] or doc["homelessness_case_id"] in served["homelessness-case"]
    for member in iter_records("household-member", records=200, seed=3, product=HOMELESSNESS_ONLY):
        assert member["tenancy_id"] is None and member["homelessness_case_id"] in served["homelessness-case"]
        assert member["person_id"] in served["person"]
    events = list(iter_records("change-event", records=200, seed=3, product=HOMELESSNESS_ONLY))
    assert {e["entity"] for e in events} == set(SERVED) - {"change-event"}
    assert all(e["record_id"] in served[e["entity"]] for e in events)


def test_store_cache_is_per_product(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    store = Store(db)
    try:
        store.fill(records=20, seed=1, product=OWN_CODES)
        assert store.is_filled(records=20, seed=1, product=OWN_CODES)
        assert not store.is_filled(records=20, seed=1, product=REFERENCE)
        assert not store.is_filled(records=20, seed=1, product=HOMELESSNESS_ONLY)
    finally:
        store.close()
    with SandboxServer(SandboxConfig(records=20, seed=1, db_path=db)) as server:  # the reference product regenerates the file
        assert server.store.is_filled(records=20, seed=1, product=REFERENCE)
        with _client(server) as client:
            assert "property_type" in client.get("/v1/properties", params={"limit": 1}).json()["data"][0]


def test_products_are_named_in_the_cli_and_an_unknown_one_is_refused() -> None:
    assert SANDBOX_PRODUCTS == tuple(PRODUCTS)
    help_text = CliRunner().invoke(cli, ["sandbox", "serve", "--help"]).output
    assert all(name in help_text for name in PRODUCTS)
    assert CliRunner().invoke(cli, ["sandbox", "serve", "--product", "nope"]).exit_code == 2
    with pytest.raises(UsageError, match="unknown sandbox product 'nope'"):
        product_named("nope")


def test_store_cache_of_another_entity_set_is_not_reused(tmp_path: Path) -> None:
    """A cached file of the same layout, records, seed and product name but fewer entities (an older standard) is regenerated."""
    from dataclasses import replace

    db = tmp_path / "sandbox.db"
    store = Store(db)
    try:
        store.fill(records=20, seed=1, product=replace(REFERENCE, entities=REFERENCE.entities[:9]))
        assert not store.is_filled(records=20, seed=1, product=REFERENCE)
    finally:
        store.close()
