"""Every `--fault` changes exactly what it says it does (and the good sandbox does not)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
import pytest

from interopcheck.errors import UsageError
from interopcheck.sandbox.faults import FAULTS, SLOW_DELAY_S, parse_faults
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

Start = Callable[..., tuple[SandboxServer, httpx.Client]]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def lines(client: httpx.Client, url: str) -> list[dict]:
    return [json.loads(line) for line in client.get(url).text.splitlines() if line]


def test_fault_table_matches_the_contracts() -> None:
    assert set(FAULTS) == {
        "no-auth", "missing-uprn", "bad-dates", "broken-pagination", "server-errors", "slow", "wrong-content-type",
        "export-truncated", "schema-drift", "http-only", "no-updated-since", "export-duplicates", "orphan-references", "no-problem-json",
        "core-invalid-answer", "hclic-count-mismatch",
        "real-looking-pii", "subject-access-incomplete",
    } | {"deletions-hidden"}  # docdel14
    assert FAULTS["no-auth"].requirements == ("HSG-SEC-01",) and FAULTS["export-duplicates"].requirements == ("HSG-EXP-04",)
    assert all(f.description and all(re.fullmatch(r"HSG-[A-Z]+-\d\d", r) for r in f.requirements) for f in FAULTS.values())


def test_unknown_fault_is_a_usage_error_with_a_suggestion() -> None:
    with pytest.raises(UsageError) as err:
        parse_faults(["slwo"])
    assert "did you mean 'slow'" in str(err.value)
    with pytest.raises(UsageError):
        SandboxServer(SandboxConfig(faults=("no-such-thing",)))


def test_no_auth(start_sandbox: Start) -> None:
    server, _ = start_sandbox("no-auth")
    assert httpx.get(f"{server.base_url}/v1/properties").status_code == 200


def test_missing_uprn(start_sandbox: Start, client: httpx.Client) -> None:
    _, bad = start_sandbox("missing-uprn")
    props = bad.get("/v1/properties").json()["data"]
    assert "uprn" not in props[0] and "uprn" not in props[0]["address"] and "uprn" in props[1]
    assert "uprn" not in lines(bad, "/v1/exports/property.ndjson")[0]
    assert all("uprn" in p for p in client.get("/v1/properties").json()["data"])


def test_bad_dates(start_sandbox: Start) -> None:
    _, bad = start_sandbox("bad-dates")
    people = bad.get("/v1/persons").json()["data"]
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", people[0]["date_of_birth"]) and ISO_DATE.match(people[1]["date_of_birth"])
    assert ISO_DATE.match(people[0]["updated_at"])  # updated_at stays usable for filters
    assert "/" in bad.get("/v1/repairs").json()["data"][0]["raised_at"]


def test_broken_pagination(start_sandbox: Start) -> None:
    _, bad = start_sandbox("broken-pagination")
    page = bad.get("/v1/properties", params={"limit": 10}).json()
    again = bad.get(page["links"]["next"]).json()
    assert [r["id"] for r in again["data"]] == [r["id"] for r in page["data"]]


def test_server_errors(start_sandbox: Start) -> None:
    _, bad = start_sandbox("server-errors")
    response = bad.get("/v1/properties/PRP-0000001")
    assert response.status_code == 500 and response.headers["content-type"].startswith("application/problem+json")
    assert bad.get("/v1/properties").status_code == 200


def test_slow_delays_data_responses(start_sandbox: Start) -> None:
    server, bad = start_sandbox("slow")
    assert server.state.slow_delay == SLOW_DELAY_S == 2.5
    server.state.slow_delay = 0.01  # the delay itself is not what this test measures
    for _ in range(4):
        bad.get("/v1/properties")
        bad.get("/v1/properties/PRP-0000001")
    assert (server.state.data_responses, server.state.delayed) == (8, 2)


def test_good_sandbox_is_not_delayed(sandbox: SandboxServer, client: httpx.Client) -> None:
    client.get("/v1/properties")
    assert sandbox.state.delayed == 0


def test_wrong_content_type(start_sandbox: Start) -> None:
    _, bad = start_sandbox("wrong-content-type")
    response = bad.get("/v1/properties")
    assert response.headers["content-type"].startswith("text/html") and response.json()["data"]


def test_export_truncated(start_sandbox: Start) -> None:
    _, bad = start_sandbox("export-truncated")
    total = bad.get("/v1/persons").json()["meta"]["total"]
    assert len(lines(bad, "/v1/exports/person.ndjson")) == total // 2 < total
    assert len(bad.get("/v1/exports/person.csv").text.splitlines()) - 1 == total // 2


def test_schema_drift(start_sandbox: Start) -> None:
    _, bad = start_sandbox("schema-drift")
    page = bad.get("/v1/properties").json()
    assert isinstance(page["meta"]["total"], str) and "legacy_ref" in page["data"][0]
    assert "legacy_ref" in bad.get("/v1/properties/PRP-0000001").json()


def test_http_only(start_sandbox: Start, sandbox: SandboxServer) -> None:
    server, _ = start_sandbox("http-only")
    assert httpx.get(server.spec_url).json()["servers"][0]["url"].startswith("http://")
    assert httpx.get(sandbox.spec_url).json()["servers"][0]["url"].startswith("https://")


def test_no_updated_since(start_sandbox: Start) -> None:
    _, bad = start_sandbox("no-updated-since")
    total = bad.get("/v1/properties").json()["meta"]["total"]
    assert bad.get("/v1/properties", params={"updated_since": "2099-01-01T00:00:00Z"}).json()["meta"]["total"] == total


def test_export_duplicates(start_sandbox: Start) -> None:
    _, bad = start_sandbox("export-duplicates")
    ids = [r["id"] for r in lines(bad, "/v1/exports/person.ndjson")]
    assert len(ids) > len(set(ids)) and ids[0] == ids[1]


def test_orphan_references(start_sandbox: Start) -> None:
    _, bad = start_sandbox("orphan-references")
    properties = {r["id"] for r in lines(bad, "/v1/exports/property.ndjson")}
    orphans = [t for t in lines(bad, "/v1/exports/tenancy.ndjson") if t["property_id"] not in properties]
    assert orphans and orphans[0]["id"] == "TEN-0000001"
    assert bad.get("/v1/tenancies/TEN-0000001").json()["property_id"] not in properties


def test_no_problem_json(start_sandbox: Start) -> None:
    server, bad = start_sandbox("no-problem-json")
    for response in (bad.get("/v1/properties/NOPE"), httpx.get(f"{server.base_url}/v1/properties")):
        assert response.headers["content-type"].startswith("application/json") and "error" in response.json()


def test_faults_combine(start_sandbox: Start) -> None:
    server, bad = start_sandbox("no-auth", "schema-drift", "export-truncated")
    assert httpx.get(f"{server.base_url}/v1/persons").json()["meta"]["total"].isdigit()


def test_real_looking_pii(start_sandbox: Start, client: httpx.Client) -> None:
    from interopcheck.pii import EMAIL, NHS_NUMBER, NINO, PHONE, real_looking

    def kinds(record: dict) -> set[str]:
        return {k for v in record.values() if isinstance(v, str) for k, _ in real_looking(v)}

    _, bad = start_sandbox("real-looking-pii")
    people = bad.get("/v1/persons", params={"limit": 10}).json()["data"]
    assert [bool(kinds(p)) for p in people] == [i % 5 == 1 for i in range(10)]
    assert kinds(people[1]) == {EMAIL, NHS_NUMBER, NINO, PHONE}
    exported = lines(bad, "/v1/exports/person.ndjson")
    assert kinds(exported[1]) == {EMAIL, NHS_NUMBER, NINO, PHONE} and not kinds(exported[0])
    assert not any(kinds(p) for p in client.get("/v1/persons", params={"limit": 10}).json()["data"])
