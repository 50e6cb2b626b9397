"""Deleted records in the sandbox (HSG-EXP-10): tombstones in the feed, gone from collections, items and
exports, listed by an incremental export job's manifest; `deletions-hidden` lists none."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest

from interopcheck.entities import ENTITIES
from interopcheck.sandbox.openapi import build_spec
from interopcheck.sandbox.tombstones import deletable
from interopcheck.sandbox.web import SEGMENTS

pytestmark = pytest.mark.timeout(120)
Start = Callable[..., tuple[Any, httpx.Client]]


def _feed(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    url: str | None = "/v1/deletions"
    query: dict[str, Any] | None = params
    while url:
        page = client.get(url, params=query)
        assert page.status_code == 200, page.text
        body = page.json()
        out += body["data"]
        url, query = body["links"].get("next"), None
    return out


def _manifest(client: httpx.Client, since: str | None) -> dict[str, Any]:
    params = {"_since": since} if since else {}
    kick = client.get("/v1/$export", params=params, headers={"Prefer": "respond-async"})
    assert kick.status_code == 202, kick.text
    job = kick.headers["content-location"]
    for _ in range(20):
        poll = client.get(job)
        if poll.status_code == 200:
            return poll.json()  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError("the job never finished")


def test_deletable_entities_are_those_nothing_refers_to() -> None:
    chosen = deletable(ENTITIES)
    assert {"repair", "leasehold", "rent-transaction"} <= set(chosen)
    assert not {"property", "person", "tenancy", "rent-account", "change-event"} & set(chosen)
    assert deletable(("person", "homelessness-case")) == ("homelessness-case",)


def test_deleted_records_are_in_the_feed_and_gone_everywhere_else(start_sandbox: Start) -> None:
    _, client = start_sandbox(records=60)
    feed = _feed(client, limit=2)
    assert len(feed) >= 3 and {d["entity"] for d in feed} >= {"repair", "leasehold", "rent-transaction"}
    assert len({(d["entity"], d["id"]) for d in feed}) == len(feed)  # paging repeats nothing
    for gone in feed:
        segment = SEGMENTS[gone["entity"]]
        assert client.get(f"/v1/{segment}/{gone['id']}").status_code == 404
    repairs = client.get("/v1/repairs", params={"limit": 1000}).json()
    deleted_repairs = {d["id"] for d in feed if d["entity"] == "repair"}
    assert repairs["meta"]["total"] == len(repairs["data"]) and not deleted_repairs & {r["id"] for r in repairs["data"]}
    export = client.get("/v1/exports/repair.ndjson").content.splitlines()
    assert not deleted_repairs & {orjson.loads(line)["id"] for line in export}
    latest = max(d["deleted_at"] for d in feed)
    assert _feed(client, since=latest) == [d for d in feed if d["deleted_at"] >= latest]
    assert client.get("/v1/deletions", params={"since": "yesterday"}).status_code == 400


def test_an_incremental_manifest_lists_the_deletions_and_a_full_one_does_not(start_sandbox: Start) -> None:
    _, client = start_sandbox(records=60)
    feed = _feed(client)
    manifest = _manifest(client, "2026-01-01T00:00:00Z")
    listed = []
    for item in manifest["deleted"]:
        lines = client.get(item["url"]).content.splitlines()
        assert len(lines) == item["count"]
        listed += [orjson.loads(line) for line in lines]
    assert sorted(listed, key=lambda d: d["deleted_at"]) == sorted(feed, key=lambda d: d["deleted_at"])
    assert "deleted" not in _manifest(client, None)


def test_deletions_hidden_lists_nothing_but_the_records_are_still_gone(start_sandbox: Start) -> None:
    _, good = start_sandbox(records=60)
    gone = _feed(good)[0]
    _, client = start_sandbox("deletions-hidden", records=60)
    assert _feed(client) == []
    assert _manifest(client, "2026-01-01T00:00:00Z")["deleted"] == []
    assert client.get(f"/v1/{SEGMENTS[gone['entity']]}/{gone['id']}").status_code == 404


def test_the_openapi_documents_the_feed_and_the_manifest_list() -> None:
    spec = build_spec()
    assert spec["paths"]["/v1/deletions"]["get"]["operationId"] == "listDeletions"
    assert "deleted" in spec["components"]["schemas"]["ExportManifest"]["properties"]


def test_each_deletion_has_a_delete_change_event_at_the_head_of_the_events(start_sandbox: Start) -> None:
    _, client = start_sandbox(records=60)
    feed = _feed(client)
    first = client.get("/v1/change-events", params={"limit": len(feed)}).json()["data"]
    assert {(e["entity"], e["record_id"], e["changed_at"]) for e in first if e["action"] == "delete"} == {(d["entity"], d["id"], d["deleted_at"]) for d in feed}
    assert client.get("/v1/change-events", params={"limit": 1000}).json()["meta"]["total"] > len(feed)
