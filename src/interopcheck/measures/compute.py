"""Turn the tallies of one run into the measures: numerator, denominator and value per definition.

A measure whose records lack a field it needs is `missing` (with how many records lack it): its value
is not given, because a figure computed from part of the records would misstate the landlord's
performance. A measure whose entity was not read has a `note` saying why and no value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from interopcheck.measures.definitions import Definition, ReportingYear, definitions
from interopcheck.measures.tally import AsbTally, CertificateTally, ComplaintTally, RepairTally

SCALE = {"%": 100, "per 1,000 homes": 1000}


@dataclass(frozen=True)
class Measure:
    """One computed measure, as report.json's `measures` carries it."""

    id: str
    title: str
    formula: str
    numerator: int | None
    denominator: int | None
    value: float | None
    unit: str
    period: str
    source: str
    missing: int | None = None  # records lacking a field the measure needs (then no value)
    note: str | None = None  # why there is no value when it is not `missing` (the entity was not read, nothing to divide)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def compute(year: ReportingYear, tallies: dict[str, Any], homes: int | None, unread: dict[str, str] | None = None) -> tuple[Measure, ...]:
    """Every measure of the standard from `tallies` (entity -> tally) and the number of homes.

    `unread` gives, per entity whose export was not read, why (the measure then carries it as its note).
    """
    unread = unread or {}
    out = []
    for d in definitions():
        why = unread.get(d.entity) or (unread.get("property") if d.unit.startswith("per") else None)
        tally = tallies.get(d.entity)
        if why is not None or tally is None:
            out.append(_measure(d, year, None, None, note=why or f"no {d.entity} records were read"))
            continue
        numerator, denominator, missing = _counts(d, tally, homes)
        out.append(_measure(d, year, numerator, denominator, missing=missing))
    return tuple(out)


def _counts(d: Definition, tally: Any, homes: int | None) -> tuple[int, int, int]:
    """(numerator, denominator, records missing a field) of `d` from its entity's tally."""
    homes = homes or 0
    index = 1 if d.id.endswith("(2)") else 0
    if isinstance(tally, RepairTally):
        return tally.within[index], tally.completed[index], tally.missing[index] + tally.unknown
    if isinstance(tally, AsbTally):
        numerator = tally.hate if index else tally.opened
        return numerator, homes, tally.no_opened + (tally.no_hate if index else 0)
    if isinstance(tally, ComplaintTally):
        if d.id.startswith("CH01"):
            return tally.received[index], homes, tally.no_received[index] + tally.no_stage
        return tally.within[index], tally.responded[index], tally.no_within[index] + tally.no_stage
    if isinstance(tally, CertificateTally):
        kind = d.certificate_type or ""
        return len(tally.compliant[kind]), len(tally.required[kind]), tally.missing[kind]
    raise TypeError(f"no counting rule for {type(tally).__name__}")


def _measure(d: Definition, year: ReportingYear, numerator: int | None, denominator: int | None, *, missing: int = 0, note: str | None = None) -> Measure:
    value = None
    if numerator is not None and denominator and not missing:
        value = round(numerator / denominator * SCALE[d.unit], 2)
    elif numerator is not None and not denominator and not missing:
        note = f"nothing to divide: the denominator ({d.denominator.split(':')[0]}) is 0 in {year.label}"
    formula = f"{d.formula}, where {d.numerator}; {d.denominator}"
    return Measure(d.id, d.title, formula, numerator, denominator, value, d.unit, year.label, d.source, missing or None, note)
