"""Fixtures for the export tests: an in-process fake sandbox (httpx MockTransport), a fake safe client, stand-in standards.

The fakes have the interfaces docs/CONTRACTS.md promises (`client.get`, `client.stream`,
`standards.validator(E).is_valid/.errors`), so these tests do not depend on unfinished parts.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema_rs
import orjson

from interopcheck.checks.context import CheckContext, RunOptions
from interopcheck.declaration import Declaration
from interopcheck.entities import ENTITIES
from interopcheck.live.failures import ResponseTooLarge, SandboxTimeout, SandboxUnreachable

BASE = "http://sandbox.test"


@dataclass(frozen=True)
class RecordError:
    """Stand-in for the standards package's RecordError."""

    pointer: str
    message: str
    kind: str


class StandInValidator:
    """A compiled jsonschema_rs validator with the standards registry's interface."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self._v = jsonschema_rs.validator_for(schema)

    def is_valid(self, record: Any) -> bool:
        return self._v.is_valid(record)

    def errors(self, record: Any) -> list[RecordError]:
        out = []
        for e in self._v.iter_errors(record):
            pointer = "".join(f"/{p}" for p in e.instance_path)
            out.append(RecordError(pointer, e.message, type(e.kind).__name__.lower()))
        return out


def entity_schema(entity: str) -> dict[str, Any]:
    """A small standard schema per entity: id and updated_at everywhere, a UPRN on properties."""
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["id", "updated_at"],
        "properties": {"id": {"type": "string"}, "updated_at": {"type": "string"}},
    }
    if entity == "property":
        schema["required"].append("uprn")
        schema["properties"]["uprn"] = {"type": "string", "pattern": "^[1-9][0-9]{0,11}$"}
    return schema


class StandInStandards:
    """`ctx.standards` stand-in."""

    def __init__(self) -> None:
        self._cache: dict[str, StandInValidator] = {}

    def validator(self, entity: str) -> StandInValidator:
        if entity not in self._cache:
            self._cache[entity] = StandInValidator(entity_schema(entity))
        return self._cache[entity]


def make_records(entity: str, n: int) -> list[dict[str, Any]]:
    """`n` consistent records of `entity` (record i refers to record i of its targets)."""
    out = []
    for i in range(n):
        rec: dict[str, Any] = {"id": f"{entity[:3]}-{i}", "updated_at": f"2026-01-{1 + i % 28:02d}T10:00:00Z"}
        ref = {
            "tenancy": {"property_id": f"pro-{i}", "tenant_ids": [f"per-{i}"]},
            "rent-account": {"tenancy_id": f"ten-{i}"},
            "rent-transaction": {"rent_account_id": f"ren-{i}"},
            "repair": {"property_id": f"pro-{i}"},
            "asb-case": {"property_id": None},
            "homelessness-case": {"applicant_id": f"per-{i}"},
            "leasehold": {"property_id": f"pro-{i}", "leaseholder_id": f"per-{i}"},
            "property": {"uprn": str(100000 + i)},
            "person": {"given_name": f"N{i}"},
            "document": {"person_id": f"per-{i}"},
            "household-member": {"person_id": f"per-{i}", "tenancy_id": f"ten-{i}"},
            "ta-placement": {"homelessness_case_id": f"hom-{i}"},
            "register-application": {"applicant_id": f"per-{i}", "bids": [], "offers": []},
            "void": {"property_id": f"pro-{i}"},
            "compliance-certificate": {"property_id": f"pro-{i}"},
            "complaint": {"complainant_id": None},
            "change-event": {"entity": "tenancy", "record_id": f"ten-{i}"},
        }[entity]
        rec.update(ref)
        out.append(rec)
    return out


def fix_ids(records: dict[str, list[dict[str, Any]]]) -> None:
    """Rent transactions use the prefix `ren-` of rent accounts: give rent accounts distinct ids and relink."""
    for i, rec in enumerate(records["rent-account"]):
        rec["id"] = f"ra-{i}"
    for i, rec in enumerate(records["rent-transaction"]):
        rec["id"] = f"rt-{i}"
        rec["rent_account_id"] = f"ra-{i}"


def to_csv(records: list[dict[str, Any]]) -> bytes:
    cols = list(records[0]) if records else ["id"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(cols)
    for r in records:
        w.writerow([v if isinstance(v, str) else orjson.dumps(v).decode() for v in (r.get(c) for c in cols)])
    return buf.getvalue().encode()


@dataclass
class FakeSandbox:
    """An in-memory supplier: exports, collections, items, a data dictionary and an export job; `faults` breaks it."""

    n: int = 30
    faults: set[str] = field(default_factory=set)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)  # path -> bytes or callable(request) -> httpx.Response
    polls: int = 0
    dictionary: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.records:
            self.records = {e: make_records(e, self.n) for e in ENTITIES}
            fix_ids(self.records)
        self.dictionary = {"entities": {e: {"columns": [{"name": c} for c in self.records[e][0]]} for e in ENTITIES}}

    def declaration(self, **changes: Any) -> Declaration:
        data: dict[str, Any] = {
            "entities": {
                e: {
                    "collection": f"GET /v1/{e}",
                    "item": f"GET /v1/{e}/{{id}}",
                    "records_pointer": "/data",
                    "next_pointer": "/links/next",
                    "total_pointer": "/meta/total",
                    "mapping": "identity",
                }
                for e in ENTITIES
            },
            "exports": [{"entity": e, "format": f, "url": f"/v1/exports/{e}.{f}"} for e in ENTITIES for f in ("ndjson", "csv")],
            "export_job": {"kickoff": "/v1/$export"},
            "incremental": {"since_param": "since"},
            "data_dictionary": "/v1/exports/data-dictionary.json",
        }
        data.update(changes)
        return Declaration.from_dict(data)

    def ndjson(self, entity: str, since: str | None = None) -> bytes:
        recs = self.records[entity]
        if since and "since-ignored" not in self.faults:
            recs = [r for r in recs if r["updated_at"] >= since]
        return b"".join(orjson.dumps(r) + b"\n" for r in recs)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = urlsplit(str(request.url)).path
        query = dict(request.url.params)
        if path in self.overrides:
            value = self.overrides[path]
            return value(request) if callable(value) else httpx.Response(200, content=value)
        if path == "/v1/exports/data-dictionary.json":
            return httpx.Response(200, json=self.dictionary)
        if path == "/v1/$export":
            if request.headers.get("prefer") != "respond-async":
                return httpx.Response(400)
            return httpx.Response(202, headers={"Content-Location": f"{BASE}/v1/jobs/1"})
        if path == "/v1/jobs/1":
            self.polls += 1
            if self.polls < 2:
                return httpx.Response(202, headers={"Retry-After": "0"})
            return httpx.Response(200, json={"output": [{"type": e, "url": f"{BASE}/v1/exports/{e}.ndjson", "count": len(self.records[e])} for e in ENTITIES]})
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "exports"] and len(parts) == 3:
            entity, _, fmt = parts[2].partition(".")
            if entity not in self.records:
                return httpx.Response(404)
            body = self.ndjson(entity, query.get("since")) if fmt == "ndjson" else to_csv(self.records[entity])
            if "truncated" in self.faults and entity == "person":
                body = body[: len(body) // 2]
            return httpx.Response(200, content=_chunks(body))
        if len(parts) == 2 and parts[1] in self.records:
            recs = self.records[parts[1]]
            total = len(recs) - (1 if "count-mismatch" in self.faults and parts[1] == "repair" else 0)
            return httpx.Response(200, json={"data": recs[:10], "meta": {"total": total}, "links": {}})
        if len(parts) == 3 and parts[1] in self.records:
            for rec in self.records[parts[1]]:
                if rec["id"] == parts[2]:
                    if "roundtrip-drift" in self.faults and parts[1] == "person":
                        rec = {**rec, "given_name": "Someone Else"}
                    return httpx.Response(200, json=rec)
            return httpx.Response(404)
        return httpx.Response(404)


def _chunks(body: bytes, size: int = 97) -> Iterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i : i + size]


@dataclass
class FakeResponse:
    status: int
    headers: dict[str, str]
    content: bytes
    exchange: Any = None

    def json(self) -> Any:
        return orjson.loads(self.content)


class FakeStream:
    """The open stream `FakeClient.stream` yields: status, headers, iter_bytes under the byte cap."""

    def __init__(self, resp: httpx.Response, max_bytes: int | None, deadline_s: float | None = None) -> None:
        self._resp = resp
        self.deadline_s = deadline_s
        self.status_code = resp.status_code
        self.headers = {k.lower(): v for k, v in resp.headers.items()}
        self.max_bytes = max_bytes
        self.exchange = None

    def iter_bytes(self) -> Iterator[bytes]:
        read = 0
        try:
            for chunk in self._resp.iter_bytes():
                read += len(chunk)
                if self.max_bytes is not None and read > self.max_bytes:
                    raise ResponseTooLarge(f"over the {self.max_bytes}-byte stream cap")
                if self.deadline_s is not None and self.deadline_s <= 0:  # a zero deadline: already passed
                    raise SandboxTimeout(f"did not finish within the {self.deadline_s} s deadline")
                yield chunk
        except httpx.TimeoutException as exc:
            raise SandboxTimeout(f"timed out streaming: {exc}") from None
        except httpx.HTTPError as exc:
            raise SandboxUnreachable(f"failed streaming: {exc}") from None


class FakeClient:
    """The safe client's interface (`get`, `stream`) over httpx with an in-process transport."""

    def __init__(self, sandbox: FakeSandbox) -> None:
        self.http = httpx.Client(base_url=BASE, transport=httpx.MockTransport(sandbox.handle))
        self.requests: list[str] = []

    def get(self, path_or_url: str, params: Any = None, headers: Any = None, auth: bool = True, **_: Any) -> FakeResponse:
        self.requests.append(path_or_url)
        resp = self.http.get(path_or_url, params=params, headers=headers)
        return FakeResponse(resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, resp.content)

    @contextlib.contextmanager
    def stream(self, path_or_url: str, params: Any = None, headers: Any = None, *, max_bytes: int | None = None, deadline_s: float | None = None, auth: bool = True) -> Iterator[FakeStream]:
        self.requests.append(path_or_url)
        try:
            opened = self.http.stream("GET", path_or_url, params=params, headers=headers)
            resp = opened.__enter__()
        except httpx.TimeoutException as exc:
            raise SandboxTimeout(f"GET {path_or_url} timed out: {exc}") from None
        except httpx.HTTPError as exc:
            raise SandboxUnreachable(f"GET {path_or_url} failed: {exc}") from None
        try:
            yield FakeStream(resp, max_bytes, deadline_s)
        finally:
            opened.__exit__(None, None, None)


class FakeLive:
    auth_kind = "bearer"  # a session that has credentials: the export checks' "credentials" precondition holds

    def __init__(self, client: Any) -> None:
        self.client = client
        self.index = None
        self.base_url = BASE


def make_ctx(sandbox: FakeSandbox, declaration: Declaration | None = None, **options: Any) -> CheckContext:
    """A context over the fake sandbox, with the stand-in standards."""
    return CheckContext(
        declaration=declaration or sandbox.declaration(),
        standards=StandInStandards(),
        live=FakeLive(FakeClient(sandbox)),  # type: ignore[arg-type]
        options=RunOptions(**options),
    )
