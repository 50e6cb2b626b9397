"""Every export check against a fake supplier: a pass on the good one, a fail for its fault, skip/error at limits."""

from __future__ import annotations

import gzip
import io
import zipfile

import httpx
import orjson
import pytest

from export_fakes import BASE, FakeLive, FakeSandbox, make_ctx, to_csv
from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.entities import ENTITIES
from interopcheck.model import CheckResult, Status

EXPORT_IDS = [
    "export.available",
    "export.formats",
    *(f"export.records.{e}" for e in ENTITIES),
    "export.csv-valid",
    "export.complete",
    "export.roundtrip",
    "export.unique-ids",
    "export.referential-integrity",
    "export.incremental",
    "export.async-job",
    "export.data-dictionary",
]


def run(ctx: CheckContext, check_id: str) -> CheckResult:
    return run_check(all_checks()[check_id], ctx)


def test_every_contract_id_is_registered() -> None:
    registered = {k for k in all_checks() if k.startswith("export.")}
    assert registered == set(EXPORT_IDS) | {"export.deletions"}  # tested over HTTP in tests/live/test_live_deletions.py


def test_good_supplier_passes_every_export_check(sandbox: FakeSandbox) -> None:
    ctx = make_ctx(sandbox)
    results = {cid: run(ctx, cid) for cid in EXPORT_IDS}
    assert {cid: r.status for cid, r in results.items() if r.status is not Status.PASS} == {}
    # one download per export however many checks read it (plus the incremental and job files)
    streamed = [u for u in ctx.live.client.requests if u.startswith("/v1/exports/") and u.endswith(".ndjson")]  # type: ignore[union-attr]
    assert len(streamed) == len(ENTITIES) + 1 and len(set(streamed)) == len(ENTITIES)


def test_invalid_records_fail_with_count_lines_and_pointers(sandbox: FakeSandbox) -> None:
    sandbox.records["property"][3]["uprn"] = "0"
    sandbox.records["property"][5]["uprn"] = "12a"
    result = run(make_ctx(sandbox), "export.records.property")
    assert result.status is Status.FAIL
    assert result.summary.startswith("2 of 30 property records failed")
    assert [f.data["line"] for f in result.findings] == [4, 6]
    assert result.findings[0].data["errors"][0]["pointer"] == "/uprn"


def test_truncated_export_fails_complete_and_is_not_a_unique_ids_pass() -> None:
    ctx = make_ctx(FakeSandbox(faults={"truncated"}))
    complete = run(ctx, "export.complete")
    assert complete.status is Status.FAIL and "person" in complete.findings[0].message
    assert run(ctx, "export.unique-ids").status is Status.SKIP
    assert run(ctx, "export.records.person").status is Status.FAIL


def test_count_mismatch_with_the_api_fails_complete() -> None:
    result = run(make_ctx(FakeSandbox(faults={"count-mismatch"})), "export.complete")
    assert result.status is Status.FAIL and result.findings[0].data == {"entity": "repair", "export": 30, "api": 29}


def test_complete_walks_pages_when_there_is_no_total(sandbox: FakeSandbox) -> None:
    decl = sandbox.declaration()
    decl.entities["person"] = type(decl.entities["person"])(**{**decl.entities["person"].__dict__, "total_pointer": None})

    def paged(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        recs = sandbox.records["person"][page * 10 : page * 10 + 10]
        nxt = {"next": f"{BASE}/v1/person?page={page + 1}"} if page < 2 else {}
        return httpx.Response(200, json={"data": recs, "links": nxt})

    sandbox.overrides["/v1/person"] = paged
    assert run(make_ctx(sandbox, decl), "export.complete").status is Status.PASS
    assert run(make_ctx(sandbox, decl, max_pages=2), "export.complete").status is Status.SKIP


def test_missing_entity_export_fails_available_and_complete(sandbox: FakeSandbox) -> None:
    exports = [{"entity": e, "format": "ndjson", "url": f"/v1/exports/{e}.ndjson"} for e in ENTITIES if e != "leasehold"]
    ctx = make_ctx(sandbox, sandbox.declaration(exports=exports))
    assert run(ctx, "export.available").status is Status.FAIL
    assert run(ctx, "export.complete").status is Status.FAIL
    assert run(ctx, "export.formats").status is Status.FAIL  # and no CSV at all
    assert run(ctx, "export.csv-valid").status is Status.FAIL


def test_export_answering_404_fails_available(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/exports/repair.ndjson"] = lambda request: httpx.Response(404)
    result = run(make_ctx(sandbox), "export.available")
    assert result.status is Status.FAIL and "HTTP 404" in result.summary + " ".join(f.message for f in result.findings)


def test_duplicate_ids_fail(sandbox: FakeSandbox) -> None:
    sandbox.records["person"].append(dict(sandbox.records["person"][0]))
    result = run(make_ctx(sandbox), "export.unique-ids")
    assert result.status is Status.FAIL and result.findings[0].data == {"entity": "person", "duplicates": 1}


def test_orphan_references_fail(sandbox: FakeSandbox) -> None:
    sandbox.records["tenancy"][0]["property_id"] = "pro-nowhere"
    sandbox.records["leasehold"][1]["leaseholder_id"] = "per-nobody"
    result = run(make_ctx(sandbox), "export.referential-integrity")
    assert result.status is Status.FAIL
    assert sorted(f.data["orphans"] for f in result.findings) == [1, 1]


def test_roundtrip_drift_fails() -> None:
    result = run(make_ctx(FakeSandbox(faults={"roundtrip-drift"})), "export.roundtrip")
    assert result.status is Status.FAIL and all("/given_name" in f.message for f in result.findings)


def test_incremental_ignored_since_fails_and_undeclared_fails(sandbox: FakeSandbox) -> None:
    result = run(make_ctx(FakeSandbox(faults={"since-ignored"})), "export.incremental")
    assert result.status is Status.FAIL and result.findings[0].data["extra"] > 0
    assert run(make_ctx(sandbox, sandbox.declaration(incremental=None)), "export.incremental").status is Status.FAIL


def test_async_job_fails_when_the_kickoff_is_refused(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/$export"] = lambda request: httpx.Response(404)
    assert run(make_ctx(sandbox), "export.async-job").status is Status.FAIL
    assert run(make_ctx(FakeSandbox(), FakeSandbox().declaration(export_job=None)), "export.async-job").status is Status.FAIL


def test_csv_broken_quoting_fails(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/exports/person.csv"] = b'id,updated_at,given_name\r\nper-0,2026-01-01T10:00:00Z,"unterminated\r\n'
    result = run(make_ctx(sandbox), "export.csv-valid")
    assert result.status is Status.FAIL and any(f.data and f.data.get("kind") == "bad-csv" for f in result.findings)


def test_csv_invalid_utf8_fails(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/exports/person.csv"] = to_csv(sandbox.records["person"]).replace(b"N1", b"N\xff")
    result = run(make_ctx(sandbox), "export.csv-valid")
    assert result.status is Status.FAIL and any(f.data and f.data.get("kind") == "bad-utf8" for f in result.findings)


def test_undocumented_columns_fail_the_data_dictionary(sandbox: FakeSandbox) -> None:
    for rec in sandbox.records["repair"]:
        rec["secret_column"] = "x"
    ctx = make_ctx(sandbox)
    assert run(ctx, "export.data-dictionary").status is Status.FAIL
    assert run(ctx, "export.csv-valid").status is Status.FAIL
    assert run(make_ctx(sandbox, sandbox.declaration(data_dictionary=None)), "export.data-dictionary").status is Status.FAIL


def test_limits_skip_and_never_pass(sandbox: FakeSandbox) -> None:
    ctx = make_ctx(sandbox, export_max_records=5)
    for cid in ("export.records.property", "export.complete", "export.unique-ids", "export.referential-integrity", "export.incremental"):
        assert run(ctx, cid).status is Status.SKIP, cid
    ctx = make_ctx(sandbox, export_max_bytes=200)
    for cid in ("export.available", "export.records.person", "export.complete", "export.csv-valid", "export.async-job"):
        result = run(ctx, cid)
        assert result.status is Status.SKIP and "export-max-bytes" in result.summary, cid


def test_limited_scan_still_fails_on_what_it_saw(sandbox: FakeSandbox) -> None:
    sandbox.records["property"][0]["uprn"] = "0"
    assert run(make_ctx(sandbox, export_max_records=5), "export.records.property").status is Status.FAIL


def test_gzip_bomb_export_is_reported(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/exports/property.ndjson"] = gzip.compress(b" " * (30 * 1024 * 1024), 9)
    ctx = make_ctx(sandbox)
    available = run(ctx, "export.available")
    assert available.status is Status.FAIL and any(f.data and f.data.get("kind") == "gzip-bomb" for f in available.findings)
    assert run(ctx, "export.complete").status is Status.FAIL


def test_a_gzip_export_over_the_users_byte_limit_skips_and_is_no_bomb(sandbox: FakeSandbox) -> None:
    body = gzip.compress(sandbox.ndjson("property"))
    sandbox.overrides["/v1/exports/property.ndjson"] = body
    ctx = make_ctx(sandbox, export_max_bytes=len(body) + 10)  # the download fits, what it decompresses to does not
    records = run(ctx, "export.records.property")
    assert records.status is Status.SKIP and "--export-max-bytes" in records.summary
    assert run(ctx, "export.available").status is not Status.PASS
    assert not any(f.data and f.data.get("kind") == "gzip-bomb" for f in run(ctx, "export.available").findings)


def test_zip_archive_export_with_traversal_names(sandbox: FakeSandbox) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for e in ENTITIES:
            z.writestr(f"{e}.ndjson", sandbox.ndjson(e))
    good = buf.getvalue()
    sandbox.overrides["/v1/exports/all.zip"] = good
    exports = [{"entity": e, "format": "zip", "url": "/v1/exports/all.zip"} for e in ENTITIES]
    ctx = make_ctx(sandbox, sandbox.declaration(exports=exports))
    assert run(ctx, "export.records.tenancy").status is Status.PASS
    assert run(ctx, "export.referential-integrity").status is Status.PASS
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr("../../evil.ndjson", b"{}\n")
    sandbox.overrides["/v1/exports/all.zip"] = buf.getvalue()
    result = run(make_ctx(sandbox, sandbox.declaration(exports=exports)), "export.available")
    assert result.status is Status.FAIL and any(f.data and f.data.get("kind") == "zip-path" for f in result.findings)


def test_json_array_export_is_read(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/exports/person.json"] = orjson.dumps(sandbox.records["person"])
    exports = [{"entity": "person", "format": "json", "url": "/v1/exports/person.json"}]
    result = run(make_ctx(sandbox, sandbox.declaration(exports=exports)), "export.records.person")
    assert result.status is Status.PASS and "30" in result.summary


def test_no_standards_is_an_error_not_a_pass(sandbox: FakeSandbox) -> None:
    ctx = make_ctx(sandbox)
    ctx.standards = None
    assert run(ctx, "export.records.property").status is Status.ERROR


def test_without_a_sandbox_export_checks_skip(sandbox: FakeSandbox) -> None:
    ctx = CheckContext(declaration=sandbox.declaration())
    assert run(ctx, "export.complete").status is Status.SKIP


def test_works_through_the_real_safe_client(sandbox: FakeSandbox) -> None:
    client_mod = pytest.importorskip("interopcheck.live.client")
    client = client_mod.SafeClient(BASE, rate=10_000.0, transport=httpx.MockTransport(sandbox.handle))
    ctx = make_ctx(sandbox)
    ctx.live = FakeLive(client)  # type: ignore[assignment]
    assert run(ctx, "export.records.property").status is Status.PASS
    assert run(ctx, "export.complete").status is Status.PASS
    assert run(ctx, "export.async-job").status is Status.PASS
    assert run(make_ctx(sandbox, export_max_bytes=100), "export.records.property").status is Status.SKIP


def test_export_timeout_skips_with_the_reason(sandbox: FakeSandbox) -> None:
    ctx = make_ctx(sandbox, export_timeout=0.0)
    for cid in ("export.records.property", "export.complete", "export.available"):
        result = run(ctx, cid)
        assert result.status is Status.SKIP and "export-timeout" in result.summary, cid


def test_stream_stalling_is_an_error_not_a_fail(sandbox: FakeSandbox) -> None:
    def stalls(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("stalled", request=request)

    sandbox.overrides["/v1/exports/property.ndjson"] = stalls
    result = run(make_ctx(sandbox), "export.records.property")
    assert result.status is Status.ERROR and "timed out" in result.summary and "raised" not in result.summary


def test_async_job_file_shorter_than_its_manifest_fails(sandbox: FakeSandbox) -> None:
    sandbox.records["repair"].pop()
    sandbox.overrides["/v1/jobs/1"] = lambda request: httpx.Response(
        200, json={"output": [{"type": "repair", "url": f"{BASE}/v1/exports/repair.ndjson", "count": 30}]}
    )
    result = run(make_ctx(sandbox), "export.async-job")
    assert result.status is Status.FAIL and "manifest says 30" in result.findings[0].message


def test_csv_only_entity_is_not_validated_as_records(sandbox: FakeSandbox) -> None:
    exports = [{"entity": "person", "format": "csv", "url": "/v1/exports/person.csv"}]
    ctx = make_ctx(sandbox, sandbox.declaration(exports=exports))
    assert run(ctx, "export.records.person").status is Status.SKIP
    assert run(ctx, "export.csv-valid").status is Status.PASS


def test_csv_only_entities_still_get_their_ids_checked(sandbox: FakeSandbox) -> None:
    sandbox.records["tenancy"].append(dict(sandbox.records["tenancy"][0]))
    exports = [{"entity": e, "format": "csv", "url": f"/v1/exports/{e}.csv"} for e in ENTITIES]
    ctx = make_ctx(sandbox, sandbox.declaration(exports=exports))
    unique = run(ctx, "export.unique-ids")
    assert unique.status is Status.FAIL and unique.findings[0].data == {"entity": "tenancy", "duplicates": 1}
    sandbox.records["tenancy"].pop()
    ctx = make_ctx(sandbox, sandbox.declaration(exports=exports))
    assert run(ctx, "export.unique-ids").status is Status.PASS
    assert run(ctx, "export.referential-integrity").status is Status.SKIP  # CSV cells are not typed references


def test_planned_run_overlaps_downloads_with_the_same_outcomes(sandbox: FakeSandbox) -> None:
    from interopcheck.export.background import plan_checks

    sandbox.overrides["/v1/exports/person.csv"] = b'id,updated_at,given_name\r\nper-0,2026-01-01T10:00:00Z,"unterminated\r\n'
    plain = {cid: run(make_ctx(sandbox), cid).status for cid in EXPORT_IDS}
    ctx = make_ctx(sandbox)
    plan_checks(ctx, EXPORT_IDS)
    planned = {cid: run(ctx, cid) for cid in EXPORT_IDS}
    assert {cid: r.status for cid, r in planned.items()} == plain
    assert planned["export.csv-valid"].status is Status.FAIL and "export.background" in ctx.cache
    assert "counted by line" in planned["export.async-job"].summary
    csv_gets = [u for u in ctx.live.client.requests if u.endswith(".csv")]  # type: ignore[union-attr]
    assert len(csv_gets) == len(set(csv_gets)) == len(ENTITIES)  # each CSV downloaded once
