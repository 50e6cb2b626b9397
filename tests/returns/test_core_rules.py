"""Reading a CORE bulk-upload CSV, applying CORE's rules to a row, and reconciling lettings with tenancies.

Each rule is tested with a row that keeps it and one that breaks it; the breaking row's problem names
the field, the value and the rule with its citation (row_parser.rb, tenancy_validations.rb and
date_validations.rb @ e46822ea6f4a, as the data file cites them).
"""

from __future__ import annotations

import csv
import io

import pytest

from interopcheck.returns.core_csv import CoreRow, parse_core_csv
from interopcheck.returns.core_reconcile import reconcile_lettings
from interopcheck.returns.core_rules import collection_year, hhmemb, validate_row
from interopcheck.returns.core_spec import load_core_spec

SPEC = load_core_spec(2026)
#: A general needs Social Rent letting on 21 April 2026 that keeps every rule.
GOOD = {
    4: "1", 7: "2", 8: "21", 9: "04", 10: "26", 11: "1", 13: "TEN-1", 15: "1", 26: "1", 36: "2", 37: "2", 38: "7", 41: "40",
    127: "2", 128: "2", 129: "2", 130: "2", 141: "1", 142: "120.50", 143: "10.00", 144: "0.00", 145: "0.00",
}


def row(number: int = 1, **changes: str) -> CoreRow:
    cells = {**GOOD, **{int(k.removeprefix("f")): v for k, v in changes.items()}}
    return CoreRow(number, number + 2, {k: v for k, v in cells.items() if v != ""})


def rules_broken(r: CoreRow) -> list[tuple[str, int | None, str]]:
    return [(p.rule, p.field, p.value) for p in validate_row(SPEC, r)]


def test_a_good_row_breaks_no_rule() -> None:
    assert validate_row(SPEC, row()) == []


def test_an_answer_outside_the_options_names_field_value_rule_and_citation() -> None:
    (problem,) = validate_row(SPEC, row(f38="9"))
    assert (problem.rule, problem.field, problem.value, problem.row, problem.record) == ("answer-option", 38, "9", 1, 3)
    assert "What is the type of tenancy?" in problem.message and "8 Periodic" in problem.message
    assert "tenancy_type.rb lines 13-41" in problem.message
    assert problem.cite == "app/services/bulk_upload/lettings/year2026/row_parser.rb lines 642-659 @ e46822ea6f4a"


def test_integer_answers_are_compared_as_numbers_and_text_is_a_type_error() -> None:
    assert rules_broken(row(f38="08")) == []
    assert rules_broken(row(f38="eight")) == [("numeric-type", 38, "eight")]
    assert rules_broken(row(f142="lots")) == [("numeric-type", 142, "lots")]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"f38": "4", "f11": "1", "f40": "1"}, [("tenancy-length-general-social", 40, "1")]),  # social rent fixed term: 2 to 99
        ({"f38": "4", "f11": "1", "f40": "2"}, []),
        ({"f38": "6", "f11": "4", "f40": "1"}, []),  # Rent to Buy (intermediate): 1 to 99
        ({"f38": "6", "f11": "4", "f40": "100"}, [("tenancy-length-general-intermediate", 40, "100")]),
        ({"f4": "2", "f38": "4", "f11": "1", "f40": "1"}, []),  # supported housing: 1 to 99
        ({"f4": "2", "f38": "4", "f11": "1", "f40": "0"}, [("tenancy-length-supported-fixed", 40, "0")]),
        ({"f38": "8", "f40": "0"}, [("tenancy-length-periodic", 40, "0")]),
        ({"f38": "8", "f40": ""}, []),
        ({"f38": "7", "f40": "5"}, [("tenancy-length-not-required", 40, "5")]),  # lifetime: no length
    ],
)
def test_tenancy_length_by_tenancy_type(changes: dict[str, str], expected: list[tuple[str, int, str]]) -> None:
    assert rules_broken(row(**changes)) == expected


def test_start_date_must_be_in_the_collection_year_and_a_date() -> None:
    assert rules_broken(row(f8="31", f9="03", f10="2026")) == [("start-date-in-year", 8, "2026-03-31")]
    assert rules_broken(row(f8="01", f9="04", f10="2027")) == [("start-date-in-year", 8, "2027-04-01")]
    assert rules_broken(row(f8="31", f9="03", f10="27")) == []
    assert rules_broken(row(f8="30", f9="02", f10="27")) == [("start-date-in-year", 8, "30/02/27")]
    assert rules_broken(row(f10="026")) == [("start-date-in-year", 8, "0026-04-21"), ("year-digits", 10, "026")]  # CORE reads 026 as year 26
    assert ("start-date-present", 9, "") in rules_broken(row(f9=""))
    assert collection_year(__import__("datetime").date(2027, 3, 31)) == 2026


def test_void_and_major_repairs_dates() -> None:
    assert rules_broken(row(f29="01", f30="03", f31="26")) == []
    assert rules_broken(row(f29="22", f30="04", f31="26")) == [("void-date-before-start", 29, "2026-04-22")]
    assert rules_broken(row(f29="20", f30="04", f31="06")) == [("void-date-before-start", 29, "2006-04-20")]  # over 20 years before
    after_repairs = row(f29="10", f30="03", f31="26", f32="01", f33="03", f34="26")
    assert rules_broken(after_repairs) == [("void-date-before-start", 29, "2026-03-10")]
    assert rules_broken(row(f32="22", f33="04", f34="26")) == [("major-repairs-date", 32, "2026-04-22")]
    assert rules_broken(row(f16="15", f32="01", f33="03", f34="26")) == [("major-repairs-date", 32, "2026-03-01")]  # first let


def test_joint_tenancy_needs_a_second_person() -> None:
    assert rules_broken(row(f36="1")) == [("joint-tenancy-household", 36, "1")]
    assert rules_broken(row(f36="1", f48="38", f49="1")) == []
    assert hhmemb(row(f48="38", f60="R")) == 3


def test_charges_all_or_none_and_allocation_answered() -> None:
    assert rules_broken(row(f143="")) == [("charges-all-given", 143, "")]
    assert rules_broken(row(f142="", f143="", f144="", f145="")) == []
    assert rules_broken(row(f129="")) == [("allocation-answered", 129, "")]
    assert rules_broken(row(f129="3")) == [("answer-option", 129, "3")]


def test_reasonable_preference_reasons() -> None:
    assert rules_broken(row(f121="1")) == [("reasonable-preference-reason", 121, "1")]
    assert rules_broken(row(f121="1", f122="1")) == []
    assert rules_broken(row(f121="1", f122="1", f126="1")) == [("reasonable-preference-reason", 126, "1")]
    assert rules_broken(row(f121="1", f123="2")) == [("answer-option", 123, "2")]
    assert rules_broken(row(f41="forty")) == [("age-format", 41, "forty")]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return "\ufeff" + out.getvalue()


def test_the_csv_is_read_as_core_reads_it() -> None:
    header = ["Field number", *map(str, range(1, 148))]
    data = ["", *(GOOD.get(n, "") for n in range(1, 148))]
    parsed = parse_core_csv(_csv([["Question", "Which organisation owns this property?"], header, data, [""] * 148, data]), SPEC)
    assert parsed.problems == () and parsed.header_line == 2
    assert [(r.number, r.record) for r in parsed.rows] == [(1, 3), (2, 5)]
    assert parsed.rows[0].cells == {k: v for k, v in GOOD.items()}


def test_layout_problems_are_reported() -> None:
    assert "no header row" in parse_core_csv("a,b\n1,2\n", SPEC).problems[0]
    short = parse_core_csv(_csv([["Field number", *map(str, range(1, 146)), "1"], [""] * 147]), SPEC)
    assert short.problems == ("field number 1 heads two columns (B and EQ)", "2 of the 147 2026/27 fields have no column: 146-147")


def test_columns_are_found_by_their_field_number_not_their_place() -> None:
    numbers = list(range(147, 0, -1))
    parsed = parse_core_csv(_csv([["field number", *map(str, numbers)], ["", *(GOOD.get(n, "") for n in numbers)]]), SPEC)
    assert parsed.problems == () and parsed.rows[0].get(38) == "7"


def test_reconciliation_by_tenant_code() -> None:
    tenancies = [
        {"id": "TEN-1", "start_date": "2026-04-21"},
        {"id": "TEN-2", "start_date": "2026-05-01"},
        {"id": "TEN-3", "start_date": "2025-05-01"},
        {"id": "TEN-4", "start_date": "2026-06-01", "tenancy_type": 4, "rent_type": 0, "length_years": 1},  # no log needed
    ]
    ok = reconcile_lettings(SPEC, [row(1), row(2, f13="TEN-2", f8="01", f9="05")], tenancies)
    assert ok.agrees and ok.by_id and ok.expected == ok.listed == 2 and ok.exempt == 1
    bad = reconcile_lettings(SPEC, [row(1), row(2, f13="TEN-3"), row(3, f13="TEN-3")], tenancies)
    assert not bad.agrees and bad.missing == ("TEN-2",) and bad.extra == ("TEN-3",) and bad.repeated == ("TEN-3",)
    assert bad.wrong_dates == ()  # a tenancy outside the year is extra, not misdated
    dated = reconcile_lettings(SPEC, [row(1, f8="22")], tenancies[:1])
    assert dated.wrong_dates == (("TEN-1", "2026-04-22", "2026-04-21"),)


def test_reconciliation_by_count_when_codes_are_not_ids() -> None:
    result = reconcile_lettings(SPEC, [row(1, f13="T/0001")], [{"id": "TEN-1", "start_date": "2026-04-21"}, {"id": "TEN-2", "start_date": "2026-04-22"}])
    assert not result.by_id and (result.expected, result.listed) == (2, 1) and not result.agrees
