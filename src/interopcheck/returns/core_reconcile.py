"""Reconciling a CORE lettings return with the system's tenancies: lettings in the year = tenancies starting in the year.

CORE logs one letting per new tenancy whose start date falls in the collection year (1 April to
31 March). The caller gives the tenancies it read (API or export) in the standard's shape; when the
return's tenant codes (field 13) are those tenancies' ids, rows are matched one to one, otherwise
only the counts are compared (and the result says so). CORE's guidance asks for no log of a general
needs tenancy at Social or Affordable Rent intended to last under 2 years
(app/views/start/guidance.html.erb line 17 @ e46822ea6f4a): such a tenancy, when its record says so
(a fixed-term type with `length_years` under 2), is not counted missing, and may be listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from interopcheck.returns.core_csv import CoreRow
from interopcheck.returns.core_rules import START, collection_year, written_date
from interopcheck.returns.core_spec import CoreSpec

TENANT_CODE = 13  # field 13: "What is the tenant code?"


@dataclass(frozen=True)
class Reconciliation:
    """What the return and the tenancies agree on: counts, and (when matched by id) who is missing, extra or dated differently."""

    expected: int  # tenancies starting in the year
    listed: int  # rows of the return
    by_id: bool  # rows matched to tenancies by tenant code
    missing: tuple[str, ...] = ()  # tenancies starting in the year without a row
    extra: tuple[str, ...] = ()  # rows whose tenancy does not start in the year (or is unknown)
    repeated: tuple[str, ...] = ()  # tenant codes on more than one row
    wrong_dates: tuple[tuple[str, str, str], ...] = ()  # (tenancy id, start date in the return, start date in the data)
    undated: int = 0  # tenancies whose start date could not be read
    exempt: int = 0  # tenancies starting in the year that CORE needs no log of (short general needs social or affordable rent)

    @property
    def agrees(self) -> bool:
        """Whether the return lists exactly the tenancies that start in the year."""
        return self.expected == self.listed and not (self.missing or self.extra or self.repeated or self.wrong_dates)


def _start(tenancy: dict[str, Any]) -> date | None:
    """The tenancy's start date, or None when it is not an ISO date."""
    try:
        return date.fromisoformat(str(tenancy.get("start_date"))[:10])
    except ValueError:
        return None


def needs_no_log(spec: CoreSpec, tenancy: dict[str, Any]) -> bool:
    """A fixed-term tenancy at Social or Affordable Rent whose record gives a length under 2 years (no CORE log is asked for)."""
    rent_type, length = tenancy.get("rent_type"), tenancy.get("length_years")
    return (
        tenancy.get("tenancy_type") in spec.fixed_term
        and isinstance(rent_type, int) and spec.renttype_of_rent_type.get(rent_type) in spec.social_or_affordable
        and isinstance(length, (int, float)) and not isinstance(length, bool) and length < 2
    )


def reconcile_lettings(spec: CoreSpec, rows: tuple[CoreRow, ...] | list[CoreRow], tenancies: list[dict[str, Any]]) -> Reconciliation:
    """Compare the return's rows with the tenancies that start in `spec`'s collection year."""
    starts = {str(t.get("id")): _start(t) for t in tenancies if isinstance(t, dict)}
    optional = {str(t.get("id")) for t in tenancies if isinstance(t, dict) and needs_no_log(spec, t)}
    undated = sum(1 for d in starts.values() if d is None)
    in_year = {tid: d for tid, d in starts.items() if d is not None and collection_year(d) == spec.year}
    exempt = len(optional & set(in_year))
    codes = [row.get(TENANT_CODE) for row in rows]
    if not rows or not all(code in starts for code in codes):
        expected = len(in_year) - exempt
        return Reconciliation(expected, len(rows), False, undated=undated, exempt=exempt)
    seen: set[str] = set()
    repeated = sorted({c for c in codes if c in seen or seen.add(c)})  # type: ignore[func-returns-value]
    wrong = []
    for row in rows:
        code = row.get(TENANT_CODE)
        written = written_date(row, START)
        actual = in_year.get(code)
        if actual is not None and isinstance(written, date) and written != actual:
            wrong.append((code, written.isoformat(), actual.isoformat()))
    listed_optional = len(optional & set(codes))
    return Reconciliation(
        expected=len(in_year) - exempt + listed_optional,
        listed=len(rows),
        by_id=True,
        missing=tuple(sorted(set(in_year) - set(codes) - optional)),
        extra=tuple(sorted(set(codes) - set(in_year))),
        repeated=tuple(repeated),
        wrong_dates=tuple(wrong),
        undated=undated,
        exempt=exempt,
    )
