"""The sandbox's API over real HTTP: OAuth, auth on /v1, pagination, updated_since, items, writes, its spec."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import pytest
from openapi_spec_validator import validate

from interopcheck.sandbox.server import SandboxServer
from interopcheck.sandbox.web import COLLECTIONS

PROBLEM = "application/problem+json"


def walk(client: httpx.Client, path: str, **params: object) -> tuple[list[dict], list[dict]]:
    """Follow links.next to the end; returns (records, pages)."""
    url: str | None = path
    records, pages = [], []
    while url is not None and len(pages) < 1000:
        response = client.get(url, params=params if url == path else None)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        records += page["data"]
        url = page["links"].get("next")
    return records, pages


def test_token_from_body_or_basic_and_refusals(sandbox: SandboxServer) -> None:
    url = f"{sandbox.base_url}/oauth/token"
    body = httpx.post(url, data={"grant_type": "client_credentials", "client_id": sandbox.client_id, "client_secret": sandbox.client_secret})
    assert body.status_code == 200 and body.json()["token_type"] == "Bearer" and body.json()["expires_in"] == 3600
    basic = base64.b64encode(f"{sandbox.client_id}:{sandbox.client_secret}".encode()).decode()
    via_basic = httpx.post(url, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"})
    assert via_basic.status_code == 200 and via_basic.json()["access_token"] != body.json()["access_token"]
    wrong = httpx.post(url, data={"grant_type": "client_credentials", "client_id": sandbox.client_id, "client_secret": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    grant = httpx.post(url, data={"grant_type": "password"})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"


def test_every_v1_endpoint_needs_a_valid_token(sandbox: SandboxServer) -> None:
    for path in [f"/v1/{s}" for s in COLLECTIONS] + ["/v1/properties/PRP-0000001", "/v1/exports/property.ndjson", "/v1/exports/data-dictionary.json"]:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = httpx.get(sandbox.base_url + path, headers=headers)
            assert response.status_code == 401, path
            assert response.headers["content-type"].startswith(PROBLEM)
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert httpx.get(sandbox.spec_url).status_code == 200  # the description is public


def test_pagination_walks_every_record_once(client: httpx.Client) -> None:
    for segment in ("properties", "tenancies", "asb-cases"):
        first = client.get(f"/v1/{segment}").json()
        total = first["meta"]["total"]
        records, pages = walk(client, f"/v1/{segment}", limit=37)
        ids = [r["id"] for r in records]
        assert len(ids) == total == len(set(ids)), segment
        assert all(len(p["data"]) <= 37 for p in pages) and "next" not in pages[-1]["links"]
    assert len(client.get("/v1/persons").json()["data"]) == 100  # default limit


def test_bad_parameters_are_400_problems(client: httpx.Client) -> None:
    for params in ({"limit": 0}, {"limit": 1001}, {"limit": "ten"}, {"cursor": "garbage"}, {"updated_since": "yesterday"}, {"updated_since": "2026-02-30T00:00:00Z"}):
        response = client.get("/v1/properties", params=params)
        assert response.status_code == 400, params
        assert response.headers["content-type"].startswith(PROBLEM) and response.json()["status"] == 400


def test_updated_since_returns_exactly_the_changed_records(client: httpx.Client) -> None:
    everything, _ = walk(client, "/v1/repairs", limit=1000)
    cut = sorted(r["updated_at"] for r in everything)[len(everything) // 2]
    changed, _ = walk(client, "/v1/repairs", limit=25, updated_since=cut)
    assert {r["id"] for r in changed} == {r["id"] for r in everything if r["updated_at"] >= cut}
    assert client.get("/v1/repairs", params={"updated_since": cut}).json()["meta"]["total"] == len(changed)
    offset = cut.replace("Z", "+01:00")  # the same instant an hour earlier in UTC: more records
    assert client.get("/v1/repairs", params={"updated_since": offset}).json()["meta"]["total"] >= len(changed)


def test_items_and_404_problem(client: httpx.Client) -> None:
    page = client.get("/v1/tenancies", params={"limit": 1}).json()
    item = client.get(f"/v1/tenancies/{page['data'][0]['id']}")
    assert item.status_code == 200 and item.json() == page["data"][0]
    assert item.headers["content-type"] == "application/json; charset=utf-8"
    missing = client.get("/v1/tenancies/TEN-9999999")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(PROBLEM)
    assert missing.json()["title"] == "Not Found" and missing.json()["instance"] == "/v1/tenancies/TEN-9999999"


def test_post_repair_validates_and_creates(start_sandbox: Callable) -> None:
    server, client = start_sandbox(records=20)
    before = client.get("/v1/repairs").json()["meta"]["total"]
    prop = client.get("/v1/properties", params={"limit": 1}).json()["data"][0]["id"]
    created = client.post("/v1/repairs", json={"property_id": prop, "priority": "2", "description": "Leaking roof", "damp_and_mould": True})
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["status"] == "reported" and record["property_id"] == prop
    assert client.get(created.headers["location"]).json() == record
    assert client.get("/v1/repairs").json()["meta"]["total"] == before + 1
    assert record["priority"] == "2" and record["reported_at"] == record["raised_at"]
    integer = client.post("/v1/repairs", json={"property_id": prop, "priority": 2, "description": "Leaking roof"})
    assert integer.status_code == 422 and "priority" in integer.json()["detail"]  # HACT codes are strings
    bad = client.post("/v1/repairs", json={"property_id": "PRP-nope", "priority": 9, "description": "", "extra": 1})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)
    assert "priority" in bad.json()["detail"] and "extra" in bad.json()["detail"]
    assert client.post("/v1/repairs", content=b"{not json").status_code == 400


def test_served_spec_is_valid_openapi_31_and_describes_the_app(sandbox: SandboxServer) -> None:
    spec = httpx.get(sandbox.spec_url).json()
    validate(spec)
    assert spec["openapi"] == "3.1.0" and spec["servers"][0]["url"].startswith("https://")
    assert {"description", "contact", "license"} <= set(spec["info"])
    assert spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["tokenUrl"].endswith("/oauth/token")
    op_ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(op_ids) == len(set(op_ids))
    for path, item in spec["paths"].items():
        for op in item.values():
            assert ("security" in op and op["security"] == []) == (not path.startswith("/v1")), path
            for header in op.get("parameters", []):
                assert not str(header.get("name", "")).lower().startswith("x-")
    assert {f"/v1/{s}" for s in COLLECTIONS} <= set(spec["paths"])


def test_served_records_are_valid_against_the_standards(client: httpx.Client) -> None:
    standards = pytest.importorskip("interopcheck.standards").load_standards()
    for segment, entity in COLLECTIONS.items():
        validator = standards.validator(entity)
        page = client.get(f"/v1/{segment}", params={"limit": 1000}).json()["data"]
        assert page and [r["id"] for r in page if not validator.is_valid(r)] == [], entity


def test_every_standard_entity_has_its_collection_operations_and_exports(sandbox: SandboxServer) -> None:
    """The issue-14 entities too: /v1/<segment> with list<Segment> and get<Entity>, and both export files."""
    from interopcheck.entities import ENTITIES
    from interopcheck.sandbox.openapi import pascal

    assert sorted(COLLECTIONS.values()) == sorted(ENTITIES)
    assert {"documents", "household-members", "ta-placements", "register-applications", "voids", "compliance-certificates", "complaints", "change-events"} <= set(COLLECTIONS)
    spec = httpx.get(sandbox.spec_url).json()
    for segment, entity in COLLECTIONS.items():
        assert spec["paths"][f"/v1/{segment}"]["get"]["operationId"] == f"list{pascal(segment)}"
        assert spec["paths"][f"/v1/{segment}/{{id}}"]["get"]["operationId"] == f"get{pascal(entity)}"
        assert {f"/v1/exports/{entity}.ndjson", f"/v1/exports/{entity}.csv"} <= set(spec["paths"])
