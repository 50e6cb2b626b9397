"""The H-CLIC quarterly return as this project defines its content, its validation, and its tallies from homelessness cases.

What is public and what is not: MHCLG's H-CLIC data specification (sections, item numbers, XML
codes) is supplied to local authorities on request and is not public, so the official file format
cannot be verified here. What is public are the categories of MHCLG's statutory homelessness live
tables (A1, A2P/A2R, P1, R1, MD1), bundled as code lists with `standards/returns/h-clic.json`.
The content this project requires is therefore a JSON document built from those categories:

    {"return": "h-clic", "quarter": "2026-Q3", "period": {"start": "2026-07-01", "end": "2026-09-30"},
     "cases": [<returns/h-clic case record>, ...],       # every case with an approach, duty end or decision in the quarter
     "tables": {"A1": {stage: n}, "A2": {reason: n}, "P1": {reason: n}, "R1": {reason: n}, "MD1": {decision: n}}}

`quarter` YYYY-Qn is calendar quarter n of year YYYY (Q1 = January to March). The tables count:
A1 households approaching in the quarter by initial assessment (the first duty owed, or
no-duty-owed); A2 the same households by reason for loss of last settled home; P1 and R1 prevention
and relief duties ending in the quarter by end reason; MD1 main duty decisions dated in the quarter.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: Each table: the code list of its categories and what it counts.
TABLES: dict[str, tuple[str, str]] = {
    "A1": ("homelessness-stage", "households approaching in the quarter, by initial assessment (first duty owed)"),
    "A2": ("hclic-reason-for-loss", "households approaching in the quarter, by reason for loss, or threat of loss, of last settled home"),
    "P1": ("hclic-prevention-duty-end", "prevention duties ended in the quarter, by reason"),
    "R1": ("hclic-relief-duty-end", "relief duties ended in the quarter, by reason"),
    "MD1": ("hclic-main-duty-decision", "main duty decisions made in the quarter, by decision"),
}
_QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$")


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """The first and last day of `quarter` (YYYY-Qn, calendar quarters); ValueError when it is not one."""
    m = _QUARTER.match(quarter)
    if not m:
        raise ValueError(f"{quarter!r} is not a quarter of the form YYYY-Qn (n = 1 to 4)")
    year, n = int(m[1]), int(m[2])
    start = date(year, 3 * n - 2, 1)
    end = date(year + (n == 4), 1 if n == 4 else 3 * n + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarters_of_collection_year(year: int) -> tuple[str, ...]:
    """The four calendar quarters of the financial (collection) year starting 1 April `year`."""
    return (f"{year}-Q2", f"{year}-Q3", f"{year}-Q4", f"{year + 1}-Q1")


def _day(value: Any) -> date | None:
    """An ISO date (the date part of a date-time), or None."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Tally:
    """What a quarter's return must say, counted from homelessness cases in the standard's shape."""

    case_ids: frozenset[str]
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    unreadable: int = 0  # cases with a date (approach, duty end, decision) that is not an ISO date: their counts are unknown


def tally(cases: list[dict[str, Any]], quarter: str) -> Tally:
    """Count `cases` (standard homelessness-case records) into the tables of `quarter`."""
    start, end = quarter_bounds(quarter)

    def within(value: Any) -> bool:
        """Whether `value` is a date inside the quarter."""
        day = _day(value)
        return day is not None and start <= day <= end

    counts: dict[str, Counter[str]] = {t: Counter() for t in TABLES}
    active: set[str] = set()
    unreadable = 0
    for case in cases:
        if not isinstance(case, dict):
            continue
        cid = str(case.get("id"))
        duties = [d for d in case.get("duties") or () if isinstance(d, dict)]
        decisions = [d for d in case.get("decisions") or () if isinstance(d, dict)]
        dates = [case.get("approach_date"), *(d.get("end_date") for d in duties), *(d.get("date") for d in decisions)]
        unreadable += _day(case.get("approach_date")) is None or any(v and _day(v) is None for v in dates)
        if within(case.get("approach_date")):
            active.add(cid)
            counts["A1"][str(duties[0].get("duty")) if duties else "no-duty-owed"] += 1
            counts["A2"][str(case.get("reason_for_loss_of_settled_home"))] += 1
        for duty in duties:
            table = {"prevention": "P1", "relief": "R1"}.get(str(duty.get("duty")))
            if table and within(duty.get("end_date")):
                active.add(cid)
                counts[table][str(duty.get("end_reason") or "not-known")] += 1
        for decision in decisions:
            if within(decision.get("date")):
                active.add(cid)
                counts["MD1"][str(decision.get("decision"))] += 1
    return Tally(frozenset(active), {t: dict(sorted(c.items())) for t, c in counts.items()}, unreadable)


def structure_problems(doc: Any, quarter: str, codes: dict[str, tuple[str, ...]]) -> list[str]:
    """What is wrong with the return's structure and categories (`codes`: table -> the codes its code list allows)."""
    if not isinstance(doc, dict):
        return ["the return is not a JSON object"]
    problems = []
    if doc.get("return") != "h-clic":
        problems.append(f"`return` is {doc.get('return')!r}, not 'h-clic'")
    if doc.get("quarter") != quarter:
        problems.append(f"`quarter` is {doc.get('quarter')!r}, not the quarter asked for ({quarter})")
    start, end = quarter_bounds(quarter)
    period = doc.get("period")
    if not isinstance(period, dict) or period.get("start") != start.isoformat() or period.get("end") != end.isoformat():
        problems.append(f"`period` is {period!r}, not {{start: {start.isoformat()}, end: {end.isoformat()}}}")
    if not isinstance(doc.get("cases"), list):
        problems.append("`cases` is not an array of case records")
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        return [*problems, "`tables` is not an object of the tables A1, A2, P1, R1, MD1"]
    for name, (codelist, _) in TABLES.items():
        table = tables.get(name)
        if not isinstance(table, dict):
            problems.append(f"table {name} is missing or not an object of category counts")
            continue
        for category, count in table.items():
            if category not in codes[name]:
                problems.append(f"table {name}: category {category!r} is not a code of {codelist}")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                problems.append(f"table {name}: the count of {category!r} is {count!r}, not a whole number >= 0")
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        problems.append(f"`tables` has tables this structure does not define: {', '.join(unknown)}")
    return problems


def count_differences(stated: dict[str, Any], expected: dict[str, dict[str, int]]) -> list[tuple[str, str, int, int]]:
    """(table, category, count stated, count expected) wherever they differ (a category left out counts 0)."""
    out = []
    for name in TABLES:
        given = stated.get(name) if isinstance(stated.get(name), dict) else {}
        want = expected.get(name, {})
        for category in sorted(set(given) | set(want)):
            have = given.get(category, 0)
            have = have if isinstance(have, int) and not isinstance(have, bool) else -1
            if have != want.get(category, 0):
                out.append((name, category, have, want.get(category, 0)))
    return out
