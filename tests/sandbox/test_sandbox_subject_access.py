"""GET /v1/persons/{id}/subject-access: the person and every record that references them; documented; faulted."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from interopcheck.sandbox.server import SandboxServer

Start = Callable[..., tuple[SandboxServer, httpx.Client]]


def _all(client: httpx.Client, segment: str) -> list[dict]:
    out, url = [], f"/v1/{segment}?limit=1000"
    while url:
        page = client.get(url).json()
        out += page["data"]
        url = page["links"].get("next")
    return out


def test_the_extract_holds_the_person_and_every_record_that_references_them(sandbox: SandboxServer, client: httpx.Client) -> None:
    tenancies = _all(client, "tenancies")
    cases = _all(client, "homelessness-cases")
    person = cases[0]["applicant_id"]
    body = client.get(f"/v1/persons/{person}/subject-access").json()["data"]
    assert body["person"]["id"] == person
    records = body["records"]
    assert {c["id"] for c in records["homelessness-case"]} == {
        c["id"] for c in cases if c["applicant_id"] == person or person in (c.get("household_member_ids") or [])}
    assert {t["id"] for t in records["tenancy"]} == {
        t["id"] for t in tenancies if person in t["tenant_ids"] or person in (t.get("household_member_ids") or [])}
    spec = httpx.get(sandbox.spec_url).json()
    assert spec["paths"]["/v1/persons/{id}/subject-access"]["get"]["operationId"] == "getPersonSubjectAccess"


def test_unknown_people_and_missing_tokens_are_refused(sandbox: SandboxServer, client: httpx.Client) -> None:
    missing = client.get("/v1/persons/PER-NOPE/subject-access")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    assert httpx.get(f"{sandbox.base_url}/v1/persons/PER-0000001/subject-access").status_code == 401


def test_subject_access_incomplete_leaves_out_homelessness_cases(start_sandbox: Start) -> None:
    _, bad = start_sandbox("subject-access-incomplete")
    person = bad.get("/v1/homelessness-cases").json()["data"][0]["applicant_id"]
    records = bad.get(f"/v1/persons/{person}/subject-access").json()["data"]["records"]
    assert "homelessness-case" not in records and "tenancy" in records
