"""The data dictionary against the exports: every record's own fields, never a pass on exports not read whole."""

from __future__ import annotations

import httpx

from export_fakes import FakeSandbox, make_ctx, to_csv
from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.entities import ENTITIES
from interopcheck.export.dictionary import absent
from interopcheck.model import CheckResult, Status


def run(ctx: CheckContext, check_id: str) -> CheckResult:
    return run_check(all_checks()[check_id], ctx)


def test_an_undocumented_field_deep_in_the_export_fails() -> None:
    sandbox = FakeSandbox(n=1600)
    sandbox.records["person"][1529]["shoe_size"] = 9  # far past the first records
    result = run(make_ctx(sandbox), "export.data-dictionary")
    assert result.status is Status.FAIL and result.findings[0].data == {"entity": "person", "columns": ["shoe_size"]}


def test_a_limit_or_an_unreadable_export_is_never_a_pass(sandbox: FakeSandbox) -> None:
    limited = run(make_ctx(sandbox, export_max_bytes=100), "export.data-dictionary")
    assert limited.status is Status.SKIP and "--export-max-bytes" in limited.summary
    for entity in ENTITIES:
        for fmt in ("ndjson", "csv"):
            sandbox.overrides[f"/v1/exports/{entity}.{fmt}"] = lambda request: httpx.Response(404)
    gone = run(make_ctx(sandbox), "export.data-dictionary")
    assert gone.status is Status.ERROR and "could not be read" in gone.summary


def test_the_supplier_fields_are_compared_before_the_mapping(sandbox: FakeSandbox) -> None:
    decl = sandbox.declaration()
    person = decl.entities["person"]
    fields = {f"/{name}": f"/{name}" for name in sandbox.records["person"][0]} | {"/given_name": "/forename"}
    for record in sandbox.records["person"]:
        record["forename"] = record.pop("given_name")
    sandbox.dictionary["entities"]["person"]["columns"] = [{"name": c} for c in sandbox.records["person"][0]]
    decl.entities["person"] = type(person)(**{**person.__dict__, "identity": False, "fields": fields})
    result = run(make_ctx(sandbox, decl), "export.data-dictionary")
    assert result.status is Status.PASS, result.summary
    assert f"every column of the {2 * len(ENTITIES)} exports read" in result.summary


def test_a_csv_lacking_a_dictionary_column_fails_csv_valid(sandbox: FakeSandbox) -> None:
    assert run(make_ctx(sandbox), "export.csv-valid").status is Status.PASS
    short = [{k: v for k, v in r.items() if k != "uprn"} for r in sandbox.records["property"]]
    sandbox.overrides["/v1/exports/property.csv"] = to_csv(short)
    result = run(make_ctx(sandbox), "export.csv-valid")
    assert result.status is Status.FAIL
    assert [f.data for f in result.findings] == [{"entity": "property", "absent": ["uprn"]}]


def test_nested_dictionary_names_are_present_with_their_top_level_column() -> None:
    dictionary = {"property": {"id", "address.line1", "address/uprn", "tags[0]", "uprn"}}
    assert absent(dictionary, "property", ("id", "address", "tags")) == ["uprn"]
    assert absent(dictionary, "tenancy", ("id",)) == []


def test_a_csv_only_export_is_counted_once(sandbox: FakeSandbox) -> None:
    csv_only = [{"entity": e, "format": "csv", "url": f"/v1/exports/{e}.csv"} for e in ENTITIES]
    result = run(make_ctx(sandbox, sandbox.declaration(exports=csv_only)), "export.data-dictionary")
    assert result.status is Status.PASS and f"every column of the {len(ENTITIES)} exports read" in result.summary
