"""The measures from tallies: the reporting year, each count, `missing` when a field is absent, and the definitions' data."""

from __future__ import annotations

import pickle
import re
from datetime import date

import pytest

from interopcheck.measures.compute import compute
from interopcheck.measures.definitions import ReportingYear, definitions, latest_complete_year, reporting_year, tsm_standard
from interopcheck.measures.tally import not_after, tally_for

YEAR = ReportingYear(2025)


def _by_id(measures):
    return {m.id: m for m in measures}


@pytest.mark.parametrize(("today", "start"), [(date(2026, 12, 6), 2025), (date(2026, 3, 31), 2024), (date(2026, 4, 1), 2025)])
def test_latest_complete_year_ends_before_today(today: date, start: int) -> None:
    """April to March: on 31 March 2026 the year 2025/26 has not ended yet."""
    assert latest_complete_year(today).start_year == start
    assert reporting_year(2023, today).label == "2023-04-01/2024-03-31"


def test_definitions_are_the_ten_measures_with_sources() -> None:
    """The data file defines every measure the issue names, each with a formula and its sources (unverified primary)."""
    ids = [d.id for d in definitions()]
    assert ids == ["RP02(1)", "RP02(2)", "NM01(1)", "NM01(2)", "CH01(1)", "CH01(2)", "CH02(1)", "CH02(2)", "BS01", "BS02"]
    for m in tsm_standard()["x-measures"]:
        assert all(m[k] for k in ("title", "formula", "numerator", "denominator", "unit", "period")), m["id"]
        assert m["sources"][0].get("unverified"), m["id"]  # the RSH section could not be read here
        assert any(s.get("quote") for s in m["sources"]), m["id"]  # a secondary source read and quoted


def test_repairs_within_target_per_group() -> None:
    """RP02 counts repairs completed in the year by the priority groups; out-of-year and inspection repairs are not counted."""
    tally = tally_for("repair", YEAR)
    done = {"status": "completed", "completed_at": "2025-06-01T10:00:00Z"}
    tally.add({**done, "priority": "4", "target_completion_at": "2025-06-02T00:00:00Z"})  # non-emergency, in time
    tally.add({**done, "priority": "3", "target_completion_at": "2025-05-30T00:00:00Z"})  # non-emergency, late
    tally.add({**done, "priority": "1", "target_completion_at": "2025-06-01T10:00:00Z"})  # emergency, on the minute
    tally.add({**done, "priority": "5", "target_completion_at": "2025-05-01T00:00:00Z"})  # an inspection: not RP02
    tally.add({**done, "priority": "4", "completed_at": "2025-03-31T23:00:00Z", "target_completion_at": "2025-04-02T00:00:00Z"})  # 2024/25
    tally.add({"status": "in-progress", "priority": "4", "completed_at": None, "target_completion_at": "2025-06-02T00:00:00Z"})
    got = _by_id(compute(YEAR, {"repair": pickle.loads(pickle.dumps(tally))}, 100))
    assert (got["RP02(1)"].numerator, got["RP02(1)"].denominator, got["RP02(1)"].value) == (1, 2, 50.0)
    assert (got["RP02(2)"].numerator, got["RP02(2)"].denominator, got["RP02(2)"].value) == (1, 1, 100.0)
    assert got["RP02(1)"].missing is None and got["RP02(1)"].period == "2025-04-01/2026-03-31"


def test_repairs_without_target_times_are_missing() -> None:
    """A repair completed in the year with no target time makes RP02 `missing`, with the count and no value."""
    tally = tally_for("repair", YEAR)
    for _ in range(3):
        tally.add({"status": "completed", "priority": "4", "completed_at": "2025-06-01T10:00:00Z"})
    tally.add({"status": "completed", "priority": "4", "completed_at": "2025-06-01T10:00:00Z", "target_completion_at": "2025-06-03T10:00:00Z"})
    measure = _by_id(compute(YEAR, {"repair": tally}, 100))["RP02(1)"]
    assert measure.missing == 3 and measure.value is None and measure.denominator == 1


def test_asb_cases_per_thousand_homes_with_hate_incidents() -> None:
    """NM01: cases opened in the year per 1,000 homes, and those involving hate incidents; no hate flag is missing."""
    tally = tally_for("asb-case", YEAR)
    tally.add({"opened_date": "2025-04-01", "hate_incident": True})
    tally.add({"opened_date": "2026-03-31", "hate_incident": False})
    tally.add({"opened_date": "2024-12-01", "hate_incident": True})  # another year
    got = _by_id(compute(YEAR, {"asb-case": tally}, 400))
    assert (got["NM01(1)"].numerator, got["NM01(1)"].denominator, got["NM01(1)"].value) == (2, 400, 5.0)
    assert got["NM01(2)"].value == 2.5
    tally.add({"opened_date": "2025-05-01"})
    got = _by_id(compute(YEAR, {"asb-case": tally}, 400))
    assert got["NM01(2)"].missing == 1 and got["NM01(2)"].value is None and got["NM01(1)"].value == 7.5


def test_complaints_per_stage_and_within_timescale() -> None:
    """CH01 counts complaints received per stage; CH02 those responded to in the year, within the Code's timescale."""
    tally = tally_for("complaint", YEAR)
    tally.add({"stage": "stage-1", "received_date": "2025-05-01", "response_date": "2025-05-10", "within_timescale": True})
    tally.add({"stage": "stage-1", "received_date": "2025-05-01", "response_date": "2025-06-30", "within_timescale": False})
    tally.add({"stage": "stage-1", "received_date": "2026-03-30", "within_timescale": None})  # open
    tally.add({"stage": "stage-2", "received_date": "2025-07-01", "response_date": "2025-07-20", "within_timescale": True})
    got = _by_id(compute(YEAR, {"complaint": tally}, 200))
    assert (got["CH01(1)"].numerator, got["CH01(1)"].value) == (3, 15.0)
    assert (got["CH01(2)"].numerator, got["CH01(2)"].value) == (1, 5.0)
    assert (got["CH02(1)"].numerator, got["CH02(1)"].denominator, got["CH02(1)"].value) == (1, 2, 50.0)
    assert got["CH02(2)"].value == 100.0
    tally.add({"stage": "stage-2", "received_date": "2025-07-01", "response_date": "2025-07-20"})  # answered, timescale not recorded
    assert _by_id(compute(YEAR, {"complaint": tally}, 200))["CH02(2)"].missing == 1


def test_certificates_in_date_at_the_year_end_per_home() -> None:
    """BS01/BS02: homes with a certificate of the type, and those whose certificate is in date on 31 March."""
    tally = tally_for("compliance-certificate", YEAR)
    gas = {"certificate_type": "gas-safety"}
    tally.add({**gas, "property_id": "P1", "issued_date": "2025-06-01", "expiry_date": "2026-06-01"})
    tally.add({**gas, "property_id": "P1", "issued_date": "2024-06-01", "expiry_date": "2025-06-01"})  # an older one
    tally.add({**gas, "property_id": "P2", "issued_date": "2024-06-01", "expiry_date": "2025-06-01"})  # lapsed
    tally.add({"certificate_type": "fire-risk-assessment", "property_id": "P3", "issued_date": "2024-01-01", "expiry_date": "2027-01-01"})
    tally.add({"certificate_type": "electrical", "property_id": "P4", "issued_date": "2024-01-01"})  # no measure
    got = _by_id(compute(YEAR, {"compliance-certificate": tally}, 10))
    assert (got["BS01"].numerator, got["BS01"].denominator, got["BS01"].value) == (1, 2, 50.0)
    assert (got["BS02"].numerator, got["BS02"].denominator, got["BS02"].value) == (1, 1, 100.0)
    tally.add({**gas, "property_id": "P5", "issued_date": "2025-01-01"})
    assert _by_id(compute(YEAR, {"compliance-certificate": tally}, 10))["BS01"].missing == 1


def test_unread_entity_gives_a_note_not_a_value() -> None:
    """A measure whose export was not read says why."""
    got = _by_id(compute(YEAR, {}, 10, {"complaint": "no complaint export is declared"}))
    assert got["CH01(1)"].value is None and got["CH01(1)"].note == "no complaint export is declared"


def test_not_after_compares_offsets() -> None:
    """Canonical UTC stamps compare as text; others are parsed, so offsets count."""
    assert not_after("2025-06-01T10:00:00Z", "2025-06-01T10:00:00Z")
    assert not not_after("2025-06-01T10:00:01Z", "2025-06-01T10:00:00Z")
    assert not_after("2025-06-01T10:30:00+01:00", "2025-06-01T10:00:00Z")


def test_a_page_quoted_twice_is_cited_once() -> None:
    rp02 = next(d for d in definitions() if d.id == "RP02(1)")
    urls = re.findall(r"<([^>]+)>", rp02.source)
    assert urls and len(urls) == len(set(urls)), rp02.source
