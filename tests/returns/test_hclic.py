"""The H-CLIC quarterly content this project defines: quarters, tallies from cases, structure and count differences.

The H-CLIC data specification is not public; the structure is the one `interopcheck.returns.hclic`
defines from MHCLG's live-table categories (A1, A2, P1, R1, MD1), with the standard's code lists.
"""

from __future__ import annotations

from datetime import date

import pytest

from interopcheck.returns.hclic import count_differences, quarter_bounds, quarters_of_collection_year, structure_problems, tally
from interopcheck.standards import load_standards

CODES = {
    "A1": tuple(str(c.code) for c in load_standards(2026).codes("homelessness-stage")),
    "A2": tuple(str(c.code) for c in load_standards(2026).codes("hclic-reason-for-loss")),
    "P1": tuple(str(c.code) for c in load_standards(2026).codes("hclic-prevention-duty-end")),
    "R1": tuple(str(c.code) for c in load_standards(2026).codes("hclic-relief-duty-end")),
    "MD1": tuple(str(c.code) for c in load_standards(2026).codes("hclic-main-duty-decision")),
}
CASES = [
    {"id": "HC-1", "approach_date": "2026-07-02", "reason_for_loss_of_settled_home": "domestic-abuse", "duties": [{"duty": "prevention", "start_date": "2026-07-02"}]},
    {"id": "HC-2", "approach_date": "2026-05-01", "reason_for_loss_of_settled_home": "domestic-abuse",
     "duties": [{"duty": "prevention", "start_date": "2026-05-01", "end_date": "2026-08-01", "end_reason": "contact-lost"},
                {"duty": "relief", "start_date": "2026-08-01", "end_date": "2026-09-30", "end_reason": "56-days-elapsed"},
                {"duty": "main-duty", "start_date": "2026-09-30"}],
     "decisions": [{"decision": "homeless-no-priority-need", "date": "2026-09-30"}]},
    {"id": "HC-3", "approach_date": "2026-09-30", "reason_for_loss_of_settled_home": "end-of-social-rented-tenancy", "duties": []},
    {"id": "HC-4", "approach_date": "2026-10-01", "reason_for_loss_of_settled_home": "domestic-abuse", "duties": []},
]


def test_quarters_are_calendar_quarters() -> None:
    assert quarter_bounds("2026-Q3") == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter_bounds("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_bounds("2027-Q1") == (date(2027, 1, 1), date(2027, 3, 31))
    assert quarters_of_collection_year(2026) == ("2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1")
    with pytest.raises(ValueError, match="YYYY-Qn"):
        quarter_bounds("2026-Q5")


def test_tally_counts_approaches_duty_ends_and_decisions_in_the_quarter() -> None:
    t = tally(CASES, "2026-Q3")
    assert t.case_ids == {"HC-1", "HC-2", "HC-3"}
    assert t.tables == {
        "A1": {"no-duty-owed": 1, "prevention": 1},
        "A2": {"domestic-abuse": 1, "end-of-social-rented-tenancy": 1},
        "P1": {"contact-lost": 1},
        "R1": {"56-days-elapsed": 1},
        "MD1": {"homeless-no-priority-need": 1},
    }
    assert tally(CASES, "2026-Q2").tables["A1"] == {"prevention": 1}


def _doc(**changes: object) -> dict:
    doc = {"return": "h-clic", "quarter": "2026-Q3", "period": {"start": "2026-07-01", "end": "2026-09-30"}, "cases": [],
           "tables": tally(CASES, "2026-Q3").tables}
    doc.update(changes)
    return doc


def test_a_well_formed_return_has_no_structure_problem() -> None:
    assert structure_problems(_doc(), "2026-Q3", CODES) == []
    assert count_differences(_doc()["tables"], tally(CASES, "2026-Q3").tables) == []


def test_structure_and_category_problems() -> None:
    tables = {**tally(CASES, "2026-Q3").tables, "A2": {"eviction": 1}, "P1": {"contact-lost": -1}, "X9": {}}
    del tables["MD1"]
    problems = structure_problems(_doc(quarter="2026-Q2", period={"start": "2026-07-01"}, cases={}, tables=tables), "2026-Q3", CODES)
    assert problems == [
        "`quarter` is '2026-Q2', not the quarter asked for (2026-Q3)",
        "`period` is {'start': '2026-07-01'}, not {start: 2026-07-01, end: 2026-09-30}",
        "`cases` is not an array of case records",
        "table A2: category 'eviction' is not a code of hclic-reason-for-loss",
        "table P1: the count of 'contact-lost' is -1, not a whole number >= 0",
        "table MD1 is missing or not an object of category counts",
        "`tables` has tables this structure does not define: X9",
    ]
    assert structure_problems([], "2026-Q3", CODES) == ["the return is not a JSON object"]


def test_count_differences_name_table_category_and_both_counts() -> None:
    stated = {**tally(CASES, "2026-Q3").tables, "A1": {"no-duty-owed": 1, "prevention": 2}}
    assert count_differences(stated, tally(CASES, "2026-Q3").tables) == [("A1", "prevention", 2, 1)]
    assert count_differences({"A1": {}}, {"A1": {"relief": 3}}) == [("A1", "relief", 0, 3)]


def test_cases_with_dates_that_are_not_iso_are_counted_as_unreadable() -> None:
    british = {**CASES[0], "id": "HC-9", "approach_date": "02/07/2026"}
    late_end = {**CASES[2], "id": "HC-8", "duties": [{"duty": "prevention", "end_date": "30/09/2026"}]}
    assert tally([*CASES, british, late_end], "2026-Q3").unreadable == 2
    assert tally(CASES, "2026-Q3").unreadable == 0
