"""Bulk export over real HTTP: NDJSON and CSV of every entity, `since`, the data dictionary, the async job."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import httpx
import pytest

from interopcheck.entities import ENTITIES
from interopcheck.sandbox.exports import export_body
from interopcheck.sandbox.web import SEGMENTS


def ndjson(client: httpx.Client, entity: str, **params: str) -> list[dict]:
    with client.stream("GET", f"/v1/exports/{entity}.ndjson", params=params) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        return [json.loads(line) for line in response.iter_lines() if line]


def test_ndjson_exports_every_record_matching_meta_total(client: httpx.Client) -> None:
    for entity in ENTITIES:
        records = ndjson(client, entity)
        total = client.get(f"/v1/{SEGMENTS[entity]}", params={"limit": 1}).json()["meta"]["total"]
        assert len(records) == total == len({r["id"] for r in records}), entity
    assert ndjson(client, "person")[0] == client.get("/v1/persons", params={"limit": 1}).json()["data"][0]


def test_csv_parses_with_the_dictionary_columns(client: httpx.Client) -> None:
    dictionary = client.get("/v1/exports/data-dictionary.json").json()
    assert set(dictionary["entities"]) == set(ENTITIES)
    for entity in ENTITIES:
        response = client.get(f"/v1/exports/{entity}.csv")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text)))
        columns = dictionary["entities"][entity]["columns"]
        assert rows[0] == [c["name"] for c in columns]
        assert all({"name", "type", "description", "standard"} <= set(c) for c in columns)
        assert len(rows) - 1 == len(ndjson(client, entity))
    header, first = list(csv.DictReader(io.StringIO(client.get("/v1/exports/property.csv").text)))[0:1][0], ndjson(client, "property")[0]
    assert json.loads(header["address"]) == first["address"] and header["uprn"] == first["uprn"]


def test_since_exports_exactly_the_changed_records(client: httpx.Client) -> None:
    everything = ndjson(client, "tenancy")
    cut = sorted(r["updated_at"] for r in everything)[len(everything) // 3]
    assert {r["id"] for r in ndjson(client, "tenancy", since=cut)} == {r["id"] for r in everything if r["updated_at"] >= cut}
    since_csv = list(csv.DictReader(io.StringIO(client.get("/v1/exports/tenancy.csv", params={"since": cut}).text)))
    assert all(row["updated_at"] >= cut for row in since_csv) and len(since_csv) == len(ndjson(client, "tenancy", since=cut))
    assert client.get("/v1/exports/tenancy.ndjson", params={"since": "last week"}).status_code == 400


def test_async_export_job_flow(client: httpx.Client) -> None:
    assert client.get("/v1/$export").status_code == 400  # no Prefer: respond-async
    kicked = client.get("/v1/$export", params={"_type": "property,tenancy", "_since": "2026-01-01T00:00:00Z"}, headers={"Prefer": "respond-async"})
    assert kicked.status_code == 202
    status_url = kicked.headers["content-location"]
    assert "/v1/export-jobs/" in status_url
    first = client.get(status_url)
    assert first.status_code == 202 and first.headers["retry-after"] == "1"
    manifest = client.get(status_url)
    assert manifest.status_code == 200
    body = manifest.json()
    assert body["requiresAccessToken"] is True and body["error"] == [] and body["transactionTime"].endswith("Z")
    assert [o["type"] for o in body["output"]] == ["property", "tenancy"]
    for output in body["output"]:
        lines = [line for line in client.get(output["url"]).text.splitlines() if line]
        assert len(lines) == output["count"] > 0
        assert all(json.loads(line)["updated_at"] >= "2026-01-01T00:00:00Z" for line in lines)
    assert client.get("/v1/$export", params={"_type": "spaceship"}, headers={"Prefer": "respond-async"}).status_code == 400
    assert client.get("/v1/export-jobs/unknown").status_code == 404


def test_full_exports_are_published_files_with_the_streamed_bytes(start_sandbox: Callable) -> None:
    server, client = start_sandbox(records=40)
    assert server.state.published is not None
    for entity in ENTITIES:
        for fmt in ("ndjson", "csv"):
            published = client.get(f"/v1/exports/{entity}.{fmt}")
            assert published.headers["content-length"] == str(len(published.content)) and "etag" in published.headers
            streamed = b"".join(export_body(server.state, entity, fmt, None))  # what the per-request path builds
            assert published.content == streamed, (entity, fmt)
    ranged = client.get("/v1/exports/person.ndjson", headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and len(ranged.content) == 10
    since = client.get("/v1/exports/person.ndjson", params={"since": "2000-01-01T00:00:00Z"})
    assert "content-length" not in since.headers and since.content == client.get("/v1/exports/person.ndjson").content
    _, again = start_sandbox(records=40)  # the same data has the same ETag (reports of two runs compare equal)
    assert again.get("/v1/exports/tenancy.csv").headers["etag"] == client.get("/v1/exports/tenancy.csv").headers["etag"]


def test_a_write_withdraws_the_published_export_of_its_entity(start_sandbox: Callable) -> None:
    server, client = start_sandbox(records=20)
    prop = client.get("/v1/properties", params={"limit": 1}).json()["data"][0]["id"]
    before = ndjson(client, "repair")
    created = client.post("/v1/repairs", json={"property_id": prop, "priority": "2", "description": "Leaking roof"}).json()
    after = ndjson(client, "repair")
    assert after == [*before, created]
    assert created["id"] in client.get("/v1/exports/repair.csv").text
    assert server.state.published is not None and server.state.published.file("repair", "ndjson") is None
    assert server.state.published.file("property", "ndjson") is not None  # other entities stay published


@pytest.mark.parametrize("fault", ["export-truncated", "export-duplicates", "bad-dates"])
def test_exports_bent_by_a_fault_are_not_published(start_sandbox: Callable, fault: str) -> None:
    server, client = start_sandbox(fault, records=20)
    assert server.state.published is None
    assert "content-length" not in client.get("/v1/exports/property.ndjson").headers
