"""The Tenant Satisfaction Measures table of the Markdown and HTML reports, from report.json's `measures`.

One row per measure: what it is, how it is computed, the counts behind it, its value (or why there is
none), the reporting year and the sources of its definition.
"""

from __future__ import annotations

from typing import Any

HEADERS = ["Measure", "Formula", "Numerator", "Denominator", "Value", "Period", "Source"]
CAPTION = (
    "Tenant Satisfaction Measures computed from the exported records (check returns.tsm). "
    "Definitions: standards/returns/tsm.json; the Regulator's section 13 could not be read, so each source "
    "not read is marked unverified and the secondary sources read are cited."
)


def measure_rows(report: dict[str, Any]) -> list[list[str]]:
    """The table's rows (empty when the report carries no measures)."""
    return [_row(m) for m in report.get("measures") or ()]


def _row(m: dict[str, Any]) -> list[str]:
    return [f"{m['id']} {m['title']}", m["formula"], _count(m["numerator"]), _count(m["denominator"]), value_text(m), m["period"], m["source"]]


def value_text(m: dict[str, Any]) -> str:
    """`50.0 %`, `missing: 3 records lack a field it needs`, or `none: why`."""
    if m.get("value") is not None:
        return f"{m['value']} {m['unit']}" if m["unit"] != "%" else f"{m['value']}%"
    if m.get("missing"):
        return f"missing: {m['missing']} records lack a field it needs"
    return f"none: {m.get('note') or 'not computed'}"


def _count(value: int | None) -> str:
    return "" if value is None else str(value)
