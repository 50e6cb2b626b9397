"""One pass per entity: N of M failed with lines and pointers, ids, references, limits, the incremental cut-off."""

from __future__ import annotations

import orjson

from export_fakes import StandInStandards, make_records
from interopcheck.entities import REFERENCES
from interopcheck.export.reconcile import build_index, epoch_seconds, records_equal, rfc3339, sorted_difference
from interopcheck.export.scan import scan_records
from array import array


def ndjson(records: list[dict]) -> list[bytes]:
    return [orjson.dumps(r) + b"\n" for r in records]


def test_every_record_validated_and_failures_located() -> None:
    recs = make_records("property", 10)
    recs[2]["uprn"] = "0123"  # leading zero
    del recs[7]["updated_at"]
    recs[8]["uprn"] = 5
    scan = scan_records("property", "ndjson", ndjson(recs), validator=StandInStandards().validator("property"))
    v = scan.validation
    assert v is not None and (v.failed, v.records) == (3, 10)
    assert v.headline.startswith("3 of 10 property records failed")
    assert [f.line for f in v.failures] == [3, 8, 9]
    assert v.failures[0].errors[0][0] == "/uprn" and v.failures[0].id == "pro-2"
    assert sum(v.kinds.values()) == 3 and len(v.kinds) >= 2


def test_keep_limits_failures_kept_but_counts_everything() -> None:
    recs = [{"id": str(i)} for i in range(50)]
    scan = scan_records("person", "ndjson", ndjson(recs), validator=StandInStandards().validator("person"), keep_failures=5)
    assert scan.validation is not None and scan.validation.failed == 50 and len(scan.validation.failures) == 5


def test_ids_duplicates_and_missing_ids() -> None:
    recs = make_records("person", 5) + [{"id": "per-1"}, {"name": "no id"}]
    scan = scan_records("person", "ndjson", ndjson(recs), validator=None)
    assert scan.ids.duplicates == 1 and scan.missing_ids == 1 and len(scan.ids) == 6


def test_references_resolved_in_the_same_pass() -> None:
    refs = {r.field: r for r in REFERENCES if r.entity == "tenancy"}
    properties = build_index(hash(f"pro-{i}") for i in range(3))  # pro-3 is missing
    persons = build_index(hash(f"per-{i}") for i in range(4))
    recs = make_records("tenancy", 4)
    recs[1]["tenant_ids"] = "per-1"  # not an array
    targets = {refs["property_id"]: properties, refs["tenant_ids[]"]: persons}
    scan = scan_records("tenancy", "ndjson", ndjson(recs), validator=None, targets=targets)
    assert scan.orphans == {refs["property_id"]: 1, refs["tenant_ids[]"]: 0}
    assert scan.ref_checked == {refs["property_id"]: 4, refs["tenant_ids[]"]: 3}
    assert scan.missing_refs[refs["tenant_ids[]"]] == 1
    unresolved = scan_records("tenancy", "ndjson", ndjson(recs), validator=None, targets={refs["property_id"]: None})
    assert unresolved.unresolved == (refs["property_id"],)


def test_max_records_limits_the_scan() -> None:
    scan = scan_records("person", "ndjson", ndjson(make_records("person", 10)), validator=None, max_records=4)
    assert scan.records == 4 and scan.limited and "export-max-records=4" in scan.limited


def test_samples_are_deterministic_and_bounded() -> None:
    recs = ndjson(make_records("person", 500))
    a = scan_records("person", "ndjson", recs, validator=None, samples=5, seed=1)
    b = scan_records("person", "ndjson", recs, validator=None, samples=5, seed=1)
    assert len(a.samples) == 5 and a.samples == b.samples


def test_ids_merged_from_many_sorted_runs(monkeypatch) -> None:
    from interopcheck.export import idspill

    monkeypatch.setattr(idspill, "RUN", 7)
    values = [(i * 7919) % 101 for i in range(100)] + [5, 5]
    index = build_index(values)
    assert list(index) == sorted(values) and index.duplicates == 2 + (100 - len(set(values[:100])))


def test_incremental_cut_off_and_expected_ids() -> None:
    recs = make_records("property", 28)
    scan = scan_records("property", "ndjson", ndjson(recs), validator=None, track_updated=True)
    assert scan.since is not None and scan.expected_since is not None
    cut = rfc3339(scan.since)
    assert len(scan.expected_since) == sum(1 for r in recs if r["updated_at"] >= cut) > 0


def test_truncated_stream_marks_the_scan() -> None:
    body = b"".join(ndjson(make_records("person", 3)))[:-10]
    scan = scan_records("person", "ndjson", [body], validator=None)
    assert scan.truncated and scan.records == 2


def test_reconcile_helpers() -> None:
    index = build_index([5, 3, 5, 1])
    assert 3 in index and 4 not in index and index.duplicates == 1
    assert sorted_difference(array("q", [1, 2, 3]), array("q", [2, 3, 4, 5])) == (1, 2)
    assert sorted_difference(array("q", [1, 1, 2, 7, 7]), array("q", [2, 2, 3])) == (2, 1)
    assert epoch_seconds("1970-01-01T00:01:00Z") == 60 and epoch_seconds("1970-01-01T01:01:00+01:00") == 60
    assert epoch_seconds("not a date") is None
    assert records_equal({"a": 1, "b": [1]}, {"a": 1.0, "b": [1]}) == []
    assert records_equal({"a": 1}, {"a": 2, "c": 3}) == ["/a", "/c"]


def test_incremental_cut_off_fixed_from_a_sample_then_applied_to_the_rest(monkeypatch) -> None:
    from interopcheck.export import scan as scan_mod

    monkeypatch.setattr(scan_mod, "SINCE_SAMPLE", 10)
    recs = make_records("property", 60)
    recs[40]["updated_at"] = "2026-01-28T10:00:00+00:00"  # not the canonical Z form: parsed
    recs[41]["updated_at"] = "2026-01-28T09:59:59.5Z"
    scan = scan_records("property", "ndjson", ndjson(recs), validator=None, track_updated=True)
    assert scan.since is not None and scan.expected_since is not None
    cut = epoch_seconds(rfc3339(scan.since))
    expected = sorted(hash(r["id"]) for r in recs if epoch_seconds(r["updated_at"]) >= cut)
    assert list(scan.expected_since) == expected


def test_ids_mode_count_and_none_keep_no_hashes() -> None:
    recs = ndjson(make_records("repair", 20) + [make_records("repair", 1)[0]])
    counted = scan_records("repair", "ndjson", recs, validator=None, ids_mode="count")
    assert counted.ids.duplicates == 1 and len(counted.ids) == 0
    nothing = scan_records("repair", "ndjson", recs, validator=None, ids_mode="none")
    assert nothing.ids.duplicates == 0 and len(nothing.ids) == 0 and nothing.records == 21


def test_nested_and_optional_array_references() -> None:
    """`parties[].party_id` reads each party's id; an absent optional array is not a missing reference."""
    ref = next(r for r in REFERENCES if r.field == "parties[].party_id")
    persons = build_index(hash(f"per-{i}") for i in range(2))
    recs = make_records("asb-case", 3)
    recs[0]["parties"] = [{"party_id": "per-0", "role": "complainant"}, {"party_id": "per-9", "role": "witness"}]
    recs[1]["parties"] = [{"role": "victim"}]  # an entry without its id
    recs[2].pop("parties", None)  # optional: absent is fine
    scan = scan_records("asb-case", "ndjson", ndjson(recs), validator=None, targets={ref: persons})
    assert scan.orphans[ref] == 1 and scan.ref_checked[ref] == 2
    assert scan.missing_refs.get(ref, 0) == 0  # ref is nullable: the id-less entry and the absent array are allowed
