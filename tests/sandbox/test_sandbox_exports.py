"""Bulk export over real HTTP: NDJSON and CSV of every entity, `since`, the data dictionary, the async job."""

from __future__ import annotations

import csv
import io
import json

import httpx

from interopcheck.entities import ENTITIES
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
