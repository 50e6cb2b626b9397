"""The synthetic generator: sizes, determinism, shapes of the standard, referential integrity."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from interopcheck.entities import ENTITIES, REFERENCES
from interopcheck.sandbox.codelists import BOROUGHS, codelist
from interopcheck.sandbox.generate import entity_counts, generate, iter_records, table_name

POSTCODE = re.compile(r"^[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) [0-9][ABD-HJLNP-UW-Z]{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def test_counts_follow_the_ratios() -> None:
    counts = entity_counts(300)
    assert counts == {
        "property": 300, "person": 390, "tenancy": 255, "rent-account": 255, "rent-transaction": 510,
        "repair": 150, "asb-case": 15, "homelessness-case": 15, "leasehold": 30,
        "document": 60, "household-member": 150, "ta-placement": 9, "register-application": 15, "void": 48,
        "compliance-certificate": 630, "complaint": 12, "change-event": 278,
    }
    assert all(n >= 1 for n in entity_counts(3).values())
    assert set(entity_counts(0).values()) == {0}


def test_same_seed_same_records_other_seed_other_records() -> None:
    for entity in ENTITIES:
        assert list(iter_records(entity, records=40, seed=7)) == list(iter_records(entity, records=40, seed=7))
    assert list(iter_records("property", records=40, seed=7)) != list(iter_records("property", records=40, seed=8))


def test_properties_have_valid_london_identifiers() -> None:
    boroughs = {gss: name for gss, name, _ in BOROUGHS}
    assert len(boroughs) == 33 and min(boroughs) == "E09000001" and max(boroughs) == "E09000033"
    uprns = set()
    for prop in iter_records("property", records=500, seed=3):
        assert re.fullmatch(r"[1-9][0-9]{0,11}", prop["uprn"]) and prop["address"]["uprn"] == prop["uprn"]
        assert re.fullmatch(r"[1-9][0-9]{0,7}", prop["usrn"])
        assert POSTCODE.match(prop["address"]["postcode"]), prop["address"]["postcode"]
        assert boroughs[prop["local_authority"]["gss_code"]] == prop["local_authority"]["name"]
        assert prop["property_type"] in codelist("property-type") and prop["tenure_type"] in codelist("tenure-type")
        assert STAMP.match(prop["updated_at"])
        uprns.add(prop["uprn"])
    assert len(uprns) == 500


def test_dates_are_iso_and_code_lists_come_from_the_standards() -> None:
    tenancy = next(iter_records("tenancy"))
    assert DATE.match(tenancy["start_date"]) and tenancy["tenancy_type"] in codelist("tenancy-type")
    for case in iter_records("homelessness-case"):
        assert case["stage"] in codelist("homelessness-stage")
        assert "outcome" not in case and all(d["duty"] in codelist("homelessness-stage") for d in case["duties"])
        for duty, after in zip(case["duties"], case["duties"][1:], strict=False):
            assert duty["end_date"] == after["start_date"]  # one duty ends as the next starts
    for repair in iter_records("repair"):
        assert repair["priority"] in codelist("repair-priority") and repair["status"] == repair["status_history"][-1]["status"]
        assert repair["updated_at"] >= repair["raised_at"] > repair["reported_at"]
        assert repair["target_completion_at"] > repair["raised_at"]


def _referenced(field: str, record: dict) -> list:
    """The ids a reference field of `record` holds: `name`, `name[]` or `name[].key`."""
    name, _, key = field.partition("[].")
    if not key and not name.endswith("[]"):
        return [record[name]]
    items = record.get(name.removesuffix("[]")) or []
    return [item[key] for item in items] if key else items


def test_references_point_at_existing_records() -> None:
    ids = {e: {r["id"] for r in iter_records(e, records=200, seed=5)} for e in ENTITIES}
    used = set()
    for ref in REFERENCES:
        for record in iter_records(ref.entity, records=200, seed=5):
            values = _referenced(ref.field, record)
            if any(v is not None for v in values):
                used.add(ref)
            for value in values:
                if value is None:
                    assert ref.nullable
                    continue
                assert value in ids[ref.target], (ref, value)
    assert used == set(REFERENCES)  # every reference, the new optional ones too, is exercised


def test_new_fields_use_the_issue_13_shapes() -> None:
    """Organisations and single-field names appear among persons, dates of birth are sometimes absent."""
    persons = list(iter_records("person", records=200, seed=5))
    assert any(p.get("kind") == "organisation" and "given_name" not in p and p["organisation_name"] for p in persons)
    assert any("full_name" in p and "given_name" not in p for p in persons)
    assert any(p.get("kind") == "person" and "date_of_birth" not in p for p in persons)
    parties = [p for case in iter_records("asb-case", records=200, seed=5) for p in case["parties"]]
    assert parties and {p["role"] for p in parties} <= set(codelist("asb-party-role"))
    props = list(iter_records("property", records=200, seed=5))
    assert {p["occupancy_status"] for p in props} == set(codelist("occupancy-status"))
    assert all((p["void_date"] is None) == (p["occupancy_status"] == "occupied") for p in props)
    for account in iter_records("rent-account", records=50, seed=5):
        charges = account["charges"]
        assert charges["total"] == round(charges["rent"] + charges["service_charge"], 2)


def test_records_are_valid_against_the_standards() -> None:
    standards = pytest.importorskip("interopcheck.standards").load_standards()
    for entity in ENTITIES:
        validator = standards.validator(entity)
        bad = [(r["id"], validator.errors(r)) for r in iter_records(entity, records=300) if not validator.is_valid(r)]
        assert bad == [], (entity, bad[:2])


def test_generate_streams_into_a_file_with_indexes(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    counts = generate(db, records=120, seed=2, batch_size=50)
    conn = sqlite3.connect(db)
    assert set(counts) == set(ENTITIES) and all(0 < counts[e] <= n for e, n in entity_counts(120).items())
    for entity in ENTITIES:
        assert conn.execute(f"SELECT count(*) FROM {table_name(entity)}").fetchone()[0] == counts[entity]
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"property_id", "property_updated", "rent_account_updated"} <= indexes
    first = conn.execute("SELECT id, json FROM property ORDER BY seq LIMIT 1").fetchone()
    assert first[0] == next(iter_records("property", records=120, seed=2))["id"] and first[1].startswith("{")
    conn.close()


def test_codes_follow_the_year_and_a_missing_list_fails_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`codes` keeps an x-codes entry only in its from..until years; a missing list is a StandardsError, not a fallback."""
    import json

    from interopcheck.errors import StandardsError
    from interopcheck.sandbox import codelists

    (tmp_path / "codelists").mkdir()
    entries = [{"code": 1, "label": "always"}, {"code": 6, "label": "new", "from": 2025}, {"code": 9, "label": "old", "until": 2023}]
    (tmp_path / "codelists" / "demo.json").write_text(json.dumps({"enum": [1, 6, 9], "x-codes": entries}), encoding="utf-8")
    monkeypatch.setattr(codelists, "standards_dir", lambda: tmp_path)
    codelists.codes.cache_clear()
    try:
        assert codelists.codes("demo", 2023) == (1, 9)
        assert codelists.codes("demo", 2026) == (1, 6)
        with pytest.raises(StandardsError, match="no-such-list"):
            codelists.codes("no-such-list")
    finally:
        codelists.codes.cache_clear()
