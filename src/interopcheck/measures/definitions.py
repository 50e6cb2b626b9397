"""The measure definitions of standards/returns/tsm.json and the reporting year a run measures.

The definitions (formula, numerator, denominator, unit, sources) are read from the standard so the
report quotes what the file says; only the counting lives in code (`measures.tally`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from interopcheck.resources import standards_dir

TSM_FILE = "returns/tsm.json"


@dataclass(frozen=True)
class Definition:
    """One measure as the standard defines it."""

    id: str
    title: str
    formula: str
    numerator: str
    denominator: str
    unit: str
    entity: str
    fields: tuple[str, ...]
    source: str  # the citations, primary first, each marked `unverified` where it was not read
    certificate_type: str | None = None


@dataclass(frozen=True)
class ReportingYear:
    """An April-to-March reporting year, by the year it starts in (2025 = 2025/26)."""

    start_year: int

    @property
    def start(self) -> str:
        return f"{self.start_year}-04-01"

    @property
    def end(self) -> str:
        return f"{self.start_year + 1}-03-31"

    @property
    def label(self) -> str:
        """`2025-04-01/2026-03-31`, the form the standard's `period` takes."""
        return f"{self.start}/{self.end}"

    def holds(self, day: str) -> bool:
        """Whether the ISO date (or date-time, by its date) `day` falls in the year."""
        return self.start <= day[:10] <= self.end


def latest_complete_year(today: date) -> ReportingYear:
    """The last April-to-March year that ended before `today` (on 2026-12-06: 2025/26)."""
    return ReportingYear(today.year - 1 if today >= date(today.year, 4, 1) else today.year - 2)


def reporting_year(chosen: int | None, today: date | None = None) -> ReportingYear:
    """The year a run measures: `--measures-year` when given, else the latest complete one."""
    return ReportingYear(chosen) if chosen is not None else latest_complete_year(today or date.today())


@cache
def tsm_standard() -> dict[str, Any]:
    """standards/returns/tsm.json, read once."""
    return json.loads((standards_dir() / TSM_FILE).read_text(encoding="utf-8"))


def definitions() -> tuple[Definition, ...]:
    """Every measure of the standard, in its order."""
    return tuple(_definition(m) for m in tsm_standard()["x-measures"])


def repair_groups() -> dict[str, frozenset[str]]:
    """The repair-priority codes counted as emergency and as non-emergency (the standard's `x-repair-priority`)."""
    groups = tsm_standard()["x-repair-priority"]
    return {"emergency": frozenset(groups["emergency"]), "non-emergency": frozenset(groups["non-emergency"])}


def _definition(m: dict[str, Any]) -> Definition:
    return Definition(
        id=m["id"], title=m["title"], formula=m["formula"], numerator=m["numerator"], denominator=m["denominator"],
        unit=m["unit"], entity=m["entity"], fields=tuple(m["fields"]), source=_sources(m["sources"]),
        certificate_type=m.get("certificate_type"),
    )


def _sources(sources: list[dict[str, Any]]) -> str:
    """The citations as one line: each page once (two quotes from one page are one citation), `(unverified: why)` for those not read."""
    parts = []
    seen: set[str] = set()
    for s in sources:
        if s["url"] in seen:
            continue
        seen.add(s["url"])
        text = f"{s['citation']} <{s['url']}>"
        if s.get("unverified"):
            text += f" (unverified: {s['unverified']})"
        parts.append(text)
    return "; ".join(parts)
