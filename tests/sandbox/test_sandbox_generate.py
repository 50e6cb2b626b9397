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
        assert case["stage"] in ("prevention", "relief", "main-duty")
        assert case["outcome"] is None or case["outcome"] in codelist("hclic-outcome")
    for repair in iter_records("repair"):
        assert repair["priority"] in (1, 2, 3, 4, 5) and repair["status"] == repair["status_history"][-1]["status"]
        assert repair["updated_at"] >= repair["raised_at"]


def test_references_point_at_existing_records() -> None:
    ids = {e: {r["id"] for r in iter_records(e, records=200, seed=5)} for e in ENTITIES}
    for ref in REFERENCES:
        field = ref.field.removesuffix("[]")
        for record in iter_records(ref.entity, records=200, seed=5):
            values = record[field] if ref.field.endswith("[]") else [record[field]]
            for value in values:
                if value is None:
                    assert ref.nullable
                    continue
                assert value in ids[ref.target], (ref, value)


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
    for entity in ENTITIES:
        assert conn.execute(f"SELECT count(*) FROM {table_name(entity)}").fetchone()[0] == counts[entity]
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"property_id", "property_updated", "rent_account_updated"} <= indexes
    first = conn.execute("SELECT id, json FROM property ORDER BY seq LIMIT 1").fetchone()
    assert first[0] == next(iter_records("property", records=120, seed=2))["id"] and first[1].startswith("{")
    conn.close()
