"""Fixes to the reconciling export checks: the async job's manifest and files, the incremental cut-off, CSV round-trips."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import orjson
import pytest

from export_fakes import BASE, FakeSandbox, make_ctx, make_records
from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.entities import ENTITIES
from interopcheck.export import jobcheck
from interopcheck.export.jobcheck import tally_ndjson
from interopcheck.export.reconcile import epoch_time, rfc3339
from interopcheck.export.scan import scan_records
from interopcheck.model import CheckResult, Status


def run(ctx: CheckContext, check_id: str) -> CheckResult:
    return run_check(all_checks()[check_id], ctx)


def manifest(*outputs: dict[str, Any], error: Any = None) -> Any:
    body: dict[str, Any] = {"output": list(outputs)}
    if error is not None:
        body["error"] = error
    return lambda request: httpx.Response(200, json=body)


def ndjson_lines(records: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def chunked(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


# export.async-job


def test_async_job_manifest_missing_entities_fails_naming_them(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/jobs/1"] = manifest({"type": "repair", "url": f"{BASE}/v1/exports/repair.ndjson", "count": 30})
    result = run(make_ctx(sandbox), "export.async-job")
    assert result.status is Status.FAIL
    absent = [f for f in result.findings if "no output file" in f.message]
    assert absent and absent[0].data == {"absent": [e for e in ENTITIES if e != "repair"]}


def test_async_job_kickoff_types_limit_what_the_manifest_must_cover(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/jobs/1"] = manifest({"type": "repair", "url": f"{BASE}/v1/exports/repair.ndjson", "count": 30})
    declaration = sandbox.declaration(export_job={"kickoff": "/v1/$export?_type=repair"})
    result = run(make_ctx(sandbox, declaration), "export.async-job")
    assert result.status is Status.PASS and "covering the 1 expected entities" in result.summary


def test_async_job_manifest_error_files_fail(sandbox: FakeSandbox) -> None:
    outputs = [{"type": e, "url": f"{BASE}/v1/exports/{e}.ndjson", "count": 30} for e in ENTITIES]
    sandbox.overrides["/v1/jobs/1"] = manifest(*outputs, error=[{"type": "OperationOutcome", "url": f"{BASE}/v1/errors.ndjson"}])
    result = run(make_ctx(sandbox), "export.async-job")
    assert result.status is Status.FAIL
    assert [f.message for f in result.findings] == [f"the job's manifest lists 1 error files (OperationOutcome): OperationOutcome {BASE}/v1/errors.ndjson"]
    sandbox.overrides["/v1/jobs/1"] = manifest(*outputs, error=[])
    assert run(make_ctx(sandbox), "export.async-job").status is Status.PASS


def test_async_job_file_of_non_json_lines_fails_with_line_numbers(sandbox: FakeSandbox) -> None:
    others = [{"type": e, "url": f"{BASE}/v1/exports/{e}.ndjson", "count": 30} for e in ENTITIES if e != "repair"]
    sandbox.overrides["/v1/jobs/1"] = manifest(*others, {"type": "repair", "url": f"{BASE}/v1/job-files/repair.ndjson", "count": 30})
    sandbox.overrides["/v1/job-files/repair.ndjson"] = b'{"id":"rep-0"}\nnot json at all\n{"id": 5}\n' * 10
    result = run(make_ctx(sandbox), "export.async-job")
    assert result.status is Status.FAIL
    bad = [f for f in result.findings if "not one JSON object" in f.message]
    assert bad and bad[0].data == {"bad": 10, "lines": [2, 5, 8, 11, 14]}


def test_async_job_pass_says_the_lines_were_only_counted_and_shape_checked(sandbox: FakeSandbox) -> None:
    result = run(make_ctx(sandbox), "export.async-job")
    assert result.status is Status.PASS
    assert "counted by line" in result.summary and "not validated" in result.summary
    assert "validated through" not in result.summary


def test_async_job_files_split_per_type_are_summed_before_comparing(sandbox: FakeSandbox) -> None:
    outputs = [{"type": e, "url": f"{BASE}/v1/exports/{e}.ndjson", "count": 30} for e in ENTITIES if e != "repair"]
    halves = [sandbox.records["repair"][:12], sandbox.records["repair"][12:]]
    for i, part in enumerate(halves):
        sandbox.overrides[f"/v1/job-files/repair-{i}.ndjson"] = ndjson_lines(part)
        outputs.append({"type": "repair", "url": f"{BASE}/v1/job-files/repair-{i}.ndjson", "count": len(part)})
    sandbox.overrides["/v1/jobs/1"] = manifest(*outputs)
    assert run(make_ctx(sandbox), "export.async-job").status is Status.PASS
    sandbox.overrides["/v1/job-files/repair-1.ndjson"] = ndjson_lines(halves[1][:-1])
    outputs[-1]["count"] = len(halves[1]) - 1
    failing = run(make_ctx(sandbox), "export.async-job")
    assert failing.status is Status.FAIL and failing.findings[0].data == {"entity": "repair", "job": 29, "direct": 30}


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_tally_ndjson_counts_lines_and_finds_bad_ones_across_chunks(size: int, monkeypatch) -> None:
    monkeypatch.setattr(jobcheck, "PARSE_FIRST", 3)
    body = b'{"a":1}\n\n{"a":"}"}\r\n{"a":\n{"b":2}\n  \n{"c":3}\nplain\n{"d":4}\n{"e":5} \n{"f":6}\n[1]\n{"g":7}'
    tally, problems = tally_ndjson(chunked(body, size))
    assert not problems
    assert tally.records == 11 and tally.lines == 13  # blank lines are not records; the last has no newline
    assert tally.bad == 3 and tally.bad_lines == [4, 8, 12]  # `{"a":` parsed (first 3 records), the others by shape


def test_tally_ndjson_fast_path_and_overlong_lines(monkeypatch) -> None:
    monkeypatch.setattr(jobcheck, "PARSE_FIRST", 2)
    monkeypatch.setattr(jobcheck, "MAX_RECORD_BYTES", 100)
    good = b"".join(b'{"n":%d}\n' % i for i in range(2000))
    long_good = b'{"x":"' + b"y" * 500 + b'"}\n'
    long_bad = b'{"x":"' + b"y" * 500 + b"\n"
    tally, _ = tally_ndjson(chunked(good + long_good + long_bad + good, 64))
    assert tally.records == 4002 and tally.bad == 1 and tally.bad_lines == [2002]


# export.incremental


def _supplier(sandbox: FakeSandbox, entity: str, *, strict: bool, round_up: bool = False) -> Any:
    """A supplier comparing instants: `strict` reads `since` as FHIR `_since` (updated strictly after it), else at or after it.

    `round_up`: stamps are whole seconds, so a fractional `since` is rounded up first (as the reference sandbox does).
    """

    def handle(request: httpx.Request) -> httpx.Response:
        since = request.url.params.get("since")
        cut = epoch_time(since) if since is not None else None
        if cut is not None and round_up and cut % 1:
            cut = cut // 1 + 1
        times = [(r, epoch_time(r["updated_at"])) for r in sandbox.records[entity]]
        records = [r for r, t in times if cut is None or (t > cut if strict else t >= cut)]  # type: ignore[operator]
        return httpx.Response(200, content=ndjson_lines(records))

    return handle


def test_incremental_passes_for_at_or_after_and_strictly_after_suppliers(sandbox: FakeSandbox) -> None:
    text = run(make_ctx(sandbox), "export.incremental")  # the fake compares the text `updated_at >= since`
    assert text.status is Status.PASS and ".5Z" in text.summary
    for strict, round_up in ((False, False), (True, False), (False, True)):
        sandbox.overrides["/v1/exports/property.ndjson"] = _supplier(sandbox, "property", strict=strict, round_up=round_up)
        result = run(make_ctx(sandbox), "export.incremental")
        assert result.status is Status.PASS, (strict, round_up, result.summary)
        assert result.summary == text.summary


def test_incremental_fails_for_a_supplier_ignoring_since() -> None:
    result = run(make_ctx(FakeSandbox(faults={"since-ignored"})), "export.incremental")
    assert result.status is Status.FAIL
    assert "not updated after" in result.findings[0].message and "older, or without a readable updated_at" in result.findings[0].message


def test_incremental_with_sub_second_stamps_cuts_between_them(sandbox: FakeSandbox) -> None:
    for i, rec in enumerate(sandbox.records["property"]):
        rec["updated_at"] = f"2026-01-{1 + i % 28:02d}T10:00:00.{(i * 37) % 1000:03d}Z"
    for strict in (False, True):
        sandbox.overrides["/v1/exports/property.ndjson"] = _supplier(sandbox, "property", strict=strict)
        result = run(make_ctx(sandbox), "export.incremental")
        assert result.status is Status.PASS, result.summary
        assert result.findings == () and result.evidence[0].data["since"].endswith("5Z")  # type: ignore[index]


def _half_full(full: list[dict[str, Any]]) -> Any:
    """An export handler that cuts the full export to its first half but answers `since` extracts whole."""

    def handle(request: httpx.Request) -> httpx.Response:
        since = request.url.params.get("since")
        records = full[: len(full) // 2] if since is None else [r for r in full if r["updated_at"] >= since]
        return httpx.Response(200, content=ndjson_lines(records))

    return handle


def test_incremental_against_a_cut_full_export_never_blames_unchanged_records(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/exports/property.ndjson"] = _half_full(sandbox.records["property"])
    result = run(make_ctx(sandbox), "export.incremental")
    assert result.status is Status.SKIP and "does not hold" in result.summary and "unchanged" not in result.summary


def _repair_first(sandbox: FakeSandbox) -> Any:
    """A declaration whose incremental entity is `repair`, which no reference targets (so its ids are not kept)."""
    exports = [{"entity": e, "format": f, "url": f"/v1/exports/{e}.{f}"} for e in ENTITIES for f in ("ndjson", "csv")]
    exports.sort(key=lambda d: d["entity"] != "repair")
    return sandbox.declaration(exports=exports)


def test_incremental_without_the_full_exports_ids_checks_it_is_whole(sandbox: FakeSandbox) -> None:
    ignored = FakeSandbox(faults={"since-ignored"})
    result = run(make_ctx(ignored, _repair_first(ignored)), "export.incremental")
    assert result.status is Status.FAIL and "not among those the full export shows as updated after" in result.findings[0].message
    sandbox.overrides["/v1/exports/repair.ndjson"] = _half_full(sandbox.records["repair"])
    cut = run(make_ctx(sandbox, _repair_first(sandbox)), "export.incremental")
    assert cut.status is Status.SKIP and "could not be confirmed whole (it has 15 records, the API 30)" in cut.summary


def test_since_tracker_matches_exact_times_on_both_paths(monkeypatch) -> None:
    from interopcheck.export import scan as scan_mod

    monkeypatch.setattr(scan_mod, "SINCE_SAMPLE", 10)
    recs = make_records("property", 60)
    recs[40]["updated_at"] = "2026-01-28T10:00:00+00:00"  # not the canonical Z form: parsed
    recs[41]["updated_at"] = "2026-01-10T09:59:59.7Z"  # just after the cut-off T = 2026-01-10T09:59:59.5Z
    recs[42]["updated_at"] = "2026-01-10T09:59:59.2Z"  # just before it
    recs[43]["updated_at"] = "2026-01-10T09:59:59Z"  # the whole second before it (text path)
    body = [orjson.dumps(r) + b"\n" for r in recs]
    scan = scan_records("property", "ndjson", body, validator=None, track_updated=True)
    assert scan.since is not None and scan.expected_since is not None
    assert rfc3339(scan.since) == "2026-01-10T09:59:59.5Z"
    expected = sorted(hash(r["id"]) for r in recs if epoch_time(r["updated_at"]) > scan.since)  # type: ignore[operator]
    assert list(scan.expected_since) == expected
    assert hash("pro-41") in expected and hash("pro-42") not in expected and hash("pro-43") not in expected


def test_rfc3339_keeps_fractions() -> None:
    assert rfc3339(60) == "1970-01-01T00:01:00Z" and rfc3339(59.5) == "1970-01-01T00:00:59.5Z"
    assert rfc3339(1.0125) == "1970-01-01T00:00:01.0125Z"
    assert datetime.fromisoformat(rfc3339(59.5)).timestamp() == 59.5


# export.roundtrip


def test_roundtrip_skips_when_every_entity_is_csv_only(sandbox: FakeSandbox) -> None:
    exports = [{"entity": e, "format": "csv", "url": f"/v1/exports/{e}.csv"} for e in ENTITIES]
    result = run(make_ctx(sandbox, sandbox.declaration(exports=exports)), "export.roundtrip")
    assert result.status is Status.SKIP and "CSV values are text" in result.summary


def test_roundtrip_compares_record_exports_and_names_csv_only_entities(sandbox: FakeSandbox) -> None:
    exports = [{"entity": e, "format": "csv" if e == "tenancy" else "ndjson", "url": f"/v1/exports/{e}.{'csv' if e == 'tenancy' else 'ndjson'}"} for e in ENTITIES]
    declaration = sandbox.declaration(exports=exports)
    result = run(make_ctx(sandbox, declaration), "export.roundtrip")
    assert result.status is Status.PASS and "not compared: tenancy" in result.summary
    drifting = FakeSandbox(faults={"roundtrip-drift"})
    failing = run(make_ctx(drifting, declaration), "export.roundtrip")
    assert failing.status is Status.FAIL and all(f.message.startswith("person ") for f in failing.findings)


def test_incremental_extract_repeating_a_record_fails(sandbox: FakeSandbox) -> None:
    plain = _supplier(sandbox, "property", strict=True)

    def repeating(request: httpx.Request) -> httpx.Response:
        body = plain(request).content
        return httpx.Response(200, content=body + body.split(b"\n", 1)[0] + b"\n" if request.url.params.get("since") else body)

    sandbox.overrides["/v1/exports/property.ndjson"] = repeating
    result = run(make_ctx(sandbox), "export.incremental")
    assert result.status is Status.FAIL and "1 property records repeat an id" in result.findings[0].message


def test_incremental_with_only_csv_exports_is_not_tested_and_says_so(sandbox: FakeSandbox) -> None:
    csv_only = [{"entity": e, "format": "csv", "url": f"/v1/exports/{e}.csv"} for e in ENTITIES]
    result = run(make_ctx(sandbox, sandbox.declaration(exports=csv_only)), "export.incremental")
    assert result.status is Status.SKIP and "not tested" in result.summary
    assert run(make_ctx(sandbox, sandbox.declaration(exports=[])), "export.incremental").status is Status.FAIL


def _since_job(sandbox: FakeSandbox, honour: bool) -> None:
    """An export job whose kick-off takes `_since`: its property file is the since extract, or (not honoured) the whole export."""
    seen: dict[str, str] = {}

    def kickoff(request: httpx.Request) -> httpx.Response:
        seen["since"] = request.url.params.get("_since", "")
        return httpx.Response(202, headers={"Content-Location": f"{BASE}/v1/jobs/since"})

    def manifest(request: httpx.Request) -> httpx.Response:
        query = f"?since={seen['since']}" if honour and seen.get("since") else ""
        return httpx.Response(200, json={"output": [{"type": "property", "url": f"{BASE}/v1/exports/property.ndjson{query}"}], "error": []})

    sandbox.overrides["/v1/$export"] = kickoff
    sandbox.overrides["/v1/jobs/since"] = manifest


@pytest.mark.parametrize("incremental", [{"since_param": "since"}, None])
def test_the_export_jobs_since_parameter_is_checked_like_the_extract(sandbox: FakeSandbox, incremental: Any) -> None:
    declaration = sandbox.declaration(export_job={"kickoff": "/v1/$export", "since_param": "_since"}, incremental=incremental)
    _since_job(sandbox, honour=True)
    result = run(make_ctx(sandbox, declaration), "export.incremental")
    assert result.status is Status.PASS, result.summary
    assert "the export job with _since=" in result.summary and ("?since=" in result.summary) == bool(incremental)
    _since_job(sandbox, honour=False)
    ignored = run(make_ctx(sandbox, declaration), "export.incremental")
    assert ignored.status is Status.FAIL
    assert any(f.message.startswith("the export job with _since=") and "not updated after" in f.message for f in ignored.findings)
