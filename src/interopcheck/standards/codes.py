"""Code lists by collection year: which national codes a run accepts, and their labels.

A code list (`standards/codelists/*.json`) keeps every code its source ever used in `enum` and
one `x-codes` entry per code: `{code, label, from?, until?}`, where `from` and `until` are the
first and last collection years (CORE's, given by their start year: 2025 = 2025/26) in which the
code is an answer. A run is pinned to one year: a code introduced after it is not accepted yet,
while a code withdrawn before it is still accepted in records, because a tenancy let in an
earlier year was rightly recorded with that year's code (rejecting it would fail a supplier for
keeping history). `registry.codes()` lists the codes current in the year. A list with no years
is the same in every year.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from interopcheck.errors import StandardsError

_YEAR = re.compile(r"^(?P<start>\d{4})(?:/(?P<end>\d{2}))?$")


@dataclass(frozen=True)
class Code:
    """One national code: its value, its label as the source words it, and the years it is valid."""

    code: Any
    label: str
    since: int | None = None
    until: int | None = None

    def valid_in(self, year: int | None) -> bool:
        """Whether the code is an answer in collection `year` (every code is, when no year is pinned)."""
        if year is None:
            return True
        return self.known_by(year) and (self.until is None or year <= self.until)

    def known_by(self, year: int | None) -> bool:
        """Whether a record may carry the code in `year`: it was introduced by then (withdrawn codes stay valid history)."""
        return year is None or self.since is None or self.since <= year


def parse_year(text: str | int) -> int:
    """A collection year as its start year: `2025`, `"2025"` and `"2025/26"` are 2025.

    Raises ValueError naming the accepted forms when `text` is none of them (or `2025/27`).
    """
    match = _YEAR.match(str(text).strip())
    if match is None:
        raise ValueError(f"{text!r} is not a collection year: give its start year (2025) or the year pair (2025/26)")
    start = int(match["start"])
    if match["end"] is not None and int(match["end"]) != (start + 1) % 100:
        raise ValueError(f"{text!r} is not a collection year: give its start year ({start}) or the year pair ({year_label(start)})")
    return start


def year_label(year: int) -> str:
    """A start year as the collection year people write: 2025 -> "2025/26"."""
    return f"{year}/{(year + 1) % 100:02d}"


def codes_of(schema: dict[str, Any], year: int | None = None, *, history: bool = False) -> tuple[Code, ...]:
    """The codes of a code-list schema current in `year` (with `history`: also those withdrawn before it), in order.

    A list without `x-codes` (an older or local list) gives its `enum` values labelled by `x-labels`.
    """
    entries = schema.get("x-codes")
    if entries is None:
        labels = schema.get("x-labels") or {}
        return tuple(Code(v, str(labels.get(str(v), v))) for v in schema.get("enum") or ())
    codes = []
    for entry in entries:
        if not isinstance(entry, dict) or "code" not in entry:
            raise StandardsError(f"{schema.get('$id')}: every x-codes entry needs a code (found {entry!r})")
        code = Code(entry["code"], str(entry.get("label", entry["code"])), entry.get("from"), entry.get("until"))
        if code.known_by(year) if history else code.valid_in(year):
            codes.append(code)
    return tuple(codes)


def narrow_to_year(schemas: dict[str, dict[str, Any]], year: int) -> dict[str, dict[str, Any]]:
    """`schemas` with each dated code list's `enum` cut to the codes a record may carry in `year` (others shared, not copied)."""
    out = dict(schemas)
    for name, schema in schemas.items():
        entries = schema.get("x-codes")
        if not isinstance(entries, list) or not any(isinstance(e, dict) and ("from" in e or "until" in e) for e in entries):
            continue
        narrowed = copy.copy(schema)
        narrowed["enum"] = [c.code for c in codes_of(schema, year, history=True)]
        out[name] = narrowed
    return out
