"""CORE's validation rules applied to one bulk-upload row: answer options, number formats, dates, tenancy length, charges.

Each rule is one of the data file's `x-core.rules` (its id, description and citation live there);
this module holds only how to apply it. A rule id in the data file without a function here, or the
reverse, is a defect that tests/returns/test_core_spec.py catches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from interopcheck.returns.core_csv import CoreRow
from interopcheck.returns.core_spec import CoreSpec

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$")
_AGE = re.compile(r"^([0-9]{1,3}|R)$", re.IGNORECASE)
START, VOID, MRC = (8, 9, 10), (29, 30, 31), (32, 33, 34)
ALLOCATION = (127, 128, 129, 130)
CHARGES = (142, 143, 144, 145)
RP_REASONS, RP_DONT_KNOW = (122, 123, 124, 125), 126
FIRST_LET = frozenset({15, 16, 17})  # rsnvac of a first let (date_validations.rb is_rsnvac_first_let?)


@dataclass(frozen=True)
class RowProblem:
    """One rule a row breaks: where (row, CSV record, field, value), which rule, why, and the rule's citation."""

    row: int
    record: int
    field: int | None
    value: str
    rule: str
    message: str
    cite: str


def _int(row: CoreRow, n: int) -> int | None:
    """The integer in field `n`, or None when blank or not an integer."""
    value = row.get(n)
    return int(value) if _INTEGER.match(value) else None


def written_date(row: CoreRow, fields: tuple[int, int, int]) -> date | None | str:
    """The date written in (day, month, year) fields: None when all blank, the text when it is no date."""
    d, m, y = (row.get(n) for n in fields)
    if not (d or m or y):
        return None
    if not all(_INTEGER.match(v) for v in (d, m, y)):
        return f"{d}/{m}/{y}"
    year = int(y) + 2000 if len(y.lstrip("+-")) in (1, 2) else int(y)  # CORE: a one- or two-digit year is 20YY
    try:
        return date(year, int(m), int(d))
    except ValueError:
        return f"{d}/{m}/{y}"


def _minus_20_years(day: date) -> date:
    """`day` 20 years earlier (29 February becomes 28 February, as Rails' `20.years` does)."""
    try:
        return day.replace(year=day.year - 20)
    except ValueError:
        return day.replace(year=day.year - 20, day=28)


def collection_year(day: date) -> int:
    """The CORE collection year (its start year) of `day`: 1 April starts a year (collection_time_helper.rb)."""
    return day.year - 1 if day < date(day.year, 4, 1) else day.year


def hhmemb(row: CoreRow) -> int:
    """Household members: the lead tenant and each person 2..8 any of whose details are given (row_parser person_N_present?)."""
    present = 0
    for person in range(2, 9):
        base = 48 + 6 * (person - 2)  # age, partner, sex, gender same as sex, gender description, working situation
        present += any(row.get(n) for n in range(base, base + 5))
    return 1 + present


Check = Callable[[CoreSpec, CoreRow], Iterator[tuple[int | None, str, str]]]  # (field, value, message)


def _answer_option(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule answer-option: each coded cell is one of its column's answer options (integers compared as numbers)."""
    for col in spec.columns:
        value = row.get(col.field)
        if not col.options or not value:
            continue
        key = str(int(value)) if col.kind == "integer" and _INTEGER.match(value) else value
        if col.kind == "integer" and not _INTEGER.match(value):
            continue  # numeric-type reports it
        if key not in {o.code for o in col.options}:
            allowed = ", ".join(f"{o.code} {o.label}" for o in col.options)
            yield col.field, value, f"{value!r} is not one of CORE's answers to {col.question!r} ({allowed}; {col.options_cite})"


def _numeric_type(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule numeric-type: integer and decimal columns hold numbers (CORE drops any other value as invalid)."""
    for col in spec.columns:
        value = row.get(col.field)
        if value and col.kind == "integer" and not _INTEGER.match(value):
            yield col.field, value, f"{value!r} is not a whole number (the column is an integer)"
        elif value and col.kind == "decimal" and not _DECIMAL.match(value):
            yield col.field, value, f"{value!r} is not a number (the column is a decimal)"


def _start_date_present(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule start-date-present: the start date's day, month and year are all given."""
    for n, part in zip(START, ("day", "month", "year")):
        if not row.get(n):
            yield n, "", f"the tenancy start date's {part} is not given"


def _year_digits(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule year-digits: the start date's year has two or four digits."""
    value = row.get(10)
    if value and not re.fullmatch(r"[0-9]{2}|[0-9]{4}", value):
        yield 10, value, f"the start date's year {value!r} is not two or four digits"


def _start_date_in_year(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule start-date-in-year: the start date is a date in the return's collection year."""
    start = written_date(row, START)
    if isinstance(start, str):
        yield 8, start, f"the tenancy start date {start} is not a date"
    elif start is not None and collection_year(start) != spec.year:
        yield 8, start.isoformat(), f"the tenancy starts on {start.isoformat()}, outside the {spec.label} collection year (1 April {spec.year} to 31 March {spec.year + 1})"


def _age_format(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule age-format: an age is one to three digits or R."""
    for n in (41, 48, 54, 60, 66, 72, 78, 84):
        value = row.get(n)
        if value and not _AGE.match(value):
            yield n, value, f"the age {value!r} is not one to three digits or R"


def _allocation_answered(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule allocation-answered: the four letting allocation questions are answered."""
    for n in ALLOCATION:
        if not row.get(n):
            yield n, "", f"{spec.column(n).question!r} is not answered"


def _length_rule(rule: str) -> Check:
    """A tenancy-length rule of tenancy_validations.rb: which tenancies it covers, and the range it allows."""

    def check(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
        """Apply the rule to one row."""
        tenancy, needs, length = _int(row, 38), _int(row, 4), _int(row, 40)
        rent_type = _int(row, 11)
        renttype = spec.renttype_of_rent_type.get(rent_type - 1) if rent_type is not None else None
        fixed = tenancy in spec.fixed_term
        covered = {
            "tenancy-length-supported-fixed": fixed and needs in spec.supported_housing,
            "tenancy-length-general-social": fixed and needs in spec.general_needs and renttype in spec.social_or_affordable,
            "tenancy-length-general-intermediate": fixed and needs in spec.general_needs and renttype not in spec.social_or_affordable,
            "tenancy-length-periodic": tenancy in spec.periodic,
        }[rule]
        if not covered or length is None:
            return
        low, high = spec.rules[rule].param("min"), spec.rules[rule].param("max")
        if not low <= length <= high:
            yield 40, row.get(40), f"a tenancy length of {length} years is outside {low} to {high} for tenancy type {tenancy} (needs type {needs}, rent type {rent_type})"

    return check


def _length_not_required(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule tenancy-length-not-required: only fixed-term and periodic tenancies carry a length."""
    tenancy = _int(row, 38)
    if row.get(40) and tenancy not in spec.fixed_term | spec.periodic:
        yield 40, row.get(40), f"tenancy type {row.get(38) or '(blank)'} has no tenancy length; only fixed-term ({', '.join(map(str, sorted(spec.fixed_term)))}) and periodic ({', '.join(map(str, sorted(spec.periodic)))}) tenancies do"


def _joint_household(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule joint-tenancy-household: a joint tenancy has a second person in the household."""
    if _int(row, 36) == 1 and hhmemb(row) == 1:
        yield 36, row.get(36), "a joint tenancy (1) but no person other than the lead tenant is given"


def _void_date(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule void-date-before-start: the void date is a date, not after the start or the major repairs date, not over 20 years before the start."""
    void, start, mrc = written_date(row, VOID), written_date(row, START), written_date(row, MRC)
    if isinstance(void, str):
        yield 29, void, f"the void date {void} is not a date"
        return
    if void is None:
        return
    if isinstance(mrc, date) and mrc < void:
        yield 29, void.isoformat(), f"the void date {void.isoformat()} is after the major repairs date {mrc.isoformat()}"
    if isinstance(start, date) and start < void:
        yield 29, void.isoformat(), f"the void date {void.isoformat()} is after the tenancy start date {start.isoformat()}"
    if isinstance(start, date) and _minus_20_years(start) > void:
        yield 29, void.isoformat(), f"the void date {void.isoformat()} is more than 20 years before the tenancy start date {start.isoformat()}"


def _major_repairs(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule major-repairs-date: the major repairs date is a date, not after the start, not over 20 years before it, not for a first let."""
    mrc, start = written_date(row, MRC), written_date(row, START)
    if isinstance(mrc, str):
        yield 32, mrc, f"the major repairs date {mrc} is not a date"
        return
    if mrc is None:
        return
    if _int(row, 16) in FIRST_LET:
        yield 32, mrc.isoformat(), f"a major repairs date is given for a first let (reason for vacancy {row.get(16)})"
    if isinstance(start, date) and start < mrc:
        yield 32, mrc.isoformat(), f"the major repairs date {mrc.isoformat()} is after the tenancy start date {start.isoformat()}"
    if isinstance(start, date) and _minus_20_years(start) > mrc:
        yield 32, mrc.isoformat(), f"the major repairs date {mrc.isoformat()} is more than 20 years before the tenancy start date {start.isoformat()}"


def _charges(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule charges-all-given: the four charges are given together or not at all (supported housing with basic rent 1 excepted, as CORE does)."""
    if _int(row, 4) in spec.supported_housing and row.get(142) in ("1", "1.0"):
        return
    given = [n for n in CHARGES if row.get(n)]
    if given:
        for n in CHARGES:
            if not row.get(n):
                yield n, "", f"{spec.column(n).question!r} is blank while other charges are given (fields {', '.join(map(str, given))})"


def _reasonable_preference(spec: CoreSpec, row: CoreRow) -> Iterator[tuple[int | None, str, str]]:
    """Rule reasonable-preference-reason: reasonable preference has a reason, and Don't know stands alone."""
    if _int(row, 121) != 1:
        return
    if not any(row.get(n) for n in (*RP_REASONS, RP_DONT_KNOW)):
        yield 121, row.get(121), "reasonable preference given (1) with no reason (fields 122-126 blank)"
    elif _int(row, RP_DONT_KNOW) == 1 and any(_int(row, n) == 1 for n in RP_REASONS):
        yield RP_DONT_KNOW, row.get(RP_DONT_KNOW), "Don't know (field 126) is given together with a reason for reasonable preference"


RULES: dict[str, Check] = {
    "answer-option": _answer_option,
    "numeric-type": _numeric_type,
    "start-date-in-year": _start_date_in_year,
    "year-digits": _year_digits,
    "start-date-present": _start_date_present,
    "age-format": _age_format,
    "allocation-answered": _allocation_answered,
    "tenancy-length-supported-fixed": _length_rule("tenancy-length-supported-fixed"),
    "tenancy-length-general-social": _length_rule("tenancy-length-general-social"),
    "tenancy-length-general-intermediate": _length_rule("tenancy-length-general-intermediate"),
    "tenancy-length-periodic": _length_rule("tenancy-length-periodic"),
    "tenancy-length-not-required": _length_not_required,
    "joint-tenancy-household": _joint_household,
    "void-date-before-start": _void_date,
    "major-repairs-date": _major_repairs,
    "charges-all-given": _charges,
    "reasonable-preference-reason": _reasonable_preference,
}


def validate_row(spec: CoreSpec, row: CoreRow) -> list[RowProblem]:
    """Every rule of `spec` that `row` breaks, in the data file's rule order."""
    problems = []
    for rule_id, rule in spec.rules.items():
        for field_number, value, message in RULES[rule_id](spec, row):
            problems.append(RowProblem(row.number, row.record, field_number, value, rule_id, message, rule.cite))
    return problems
