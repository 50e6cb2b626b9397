"""The CORE lettings bulk-upload facts of one collection year, read from `standards/returns/core-lettings-bulk-upload-YYYY.json`.

Why a data file: the columns, answer options and rules are MHCLG's, read from the CORE service's
source with path and line (scripts/extract_core_bulk_upload.py); code only applies them, so a new
collection year is a new file, not new code.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from interopcheck.errors import StandardsError
from interopcheck.resources import standards_dir

REPO_URL = "https://github.com/communitiesuk/submit-social-housing-lettings-and-sales-data/blob"


@dataclass(frozen=True)
class Option:
    """One answer a coded column accepts, as written in the CSV."""

    code: str
    label: str


@dataclass(frozen=True)
class Column:
    """One bulk-upload column: `field` is its number (the CSV's header), `kind` the row parser's type."""

    field: int
    question: str
    kind: str  # string, integer or decimal
    options: tuple[Option, ...] = ()  # empty: not a coded column this standard checks
    options_cite: str = ""  # where the options come from ("path lines a-b @ commit")

    @property
    def name(self) -> str:
        """`field_N`, the row parser's attribute name."""
        return f"field_{self.field}"


@dataclass(frozen=True)
class Rule:
    """A CORE validation rule the check applies: its id, what it says, its parameters and where it is written."""

    id: str
    description: str
    cite: str
    params: tuple[tuple[str, int], ...] = ()

    def param(self, name: str) -> int:
        """A numeric parameter of the rule (`min`, `max`)."""
        return dict(self.params)[name]


@dataclass(frozen=True)
class CoreSpec:
    """The bulk-upload layout and rules of one collection year (`year` 2026 = 2026/27)."""

    year: int
    label: str
    commit: str
    field_count: int
    header_marker: str
    columns: tuple[Column, ...]
    rules: dict[str, Rule]
    fixed_term: frozenset[int]
    periodic: frozenset[int]
    general_needs: frozenset[int]
    supported_housing: frozenset[int]
    social_or_affordable: frozenset[int]  # renttype codes
    renttype_of_rent_type: dict[int, int]  # the log's rent_type (bulk-upload code - 1) -> renttype

    def column(self, field: int) -> Column:
        """The column of field number `field`."""
        return self.columns[field - 1]

    def url(self, path: str, first: int, last: int | None = None) -> str:
        """A link to lines of a CORE source file at the commit the facts were read at."""
        anchor = f"#L{first}" + (f"-L{last}" if last and last != first else "")
        return f"{REPO_URL}/{self.commit}/{path}{anchor}"


def _cite(source: dict[str, Any], commit: str) -> str:
    """A citation line: path, lines and the commit's first 12 digits."""
    first, last = source["lines"]
    return f"{source['path']} lines {first}-{last} @ {commit[:12]}"


def available_years() -> tuple[int, ...]:
    """The collection years whose bulk-upload facts are bundled."""
    return tuple(sorted(int(p.stem.rsplit("-", 1)[1]) for p in (standards_dir() / "returns").glob("core-lettings-bulk-upload-*.json")))


@functools.cache
def load_core_spec(year: int) -> CoreSpec:
    """The facts of collection `year`; StandardsError when that year is not bundled."""
    path = standards_dir() / "returns" / f"core-lettings-bulk-upload-{year}.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        years = ", ".join(f"{y}/{(y + 1) % 100:02d}" for y in available_years()) or "none"
        raise StandardsError(f"no CORE lettings bulk-upload specification is bundled for {year}/{(year + 1) % 100:02d} (bundled: {years})") from None
    except (OSError, ValueError) as exc:
        raise StandardsError(f"{path.name} cannot be read: {exc}") from exc
    facts = doc["x-core"]
    commit = doc["x-source"]["commit"]
    options = facts["answer_options"]
    columns = []
    for col in facts["columns"]:
        coded = options.get(str(col["field"]))
        columns.append(Column(
            field=col["field"], question=col["question"], kind=col["type"],
            options=tuple(Option(o["code"], o["label"]) for o in coded["options"]) if coded else (),
            options_cite=_cite(coded["source"], commit) if coded else "",
        ))
    rules = {
        r["id"]: Rule(r["id"], r["description"], _cite(r["source"], commit), tuple(sorted((r.get("params") or {}).items())))
        for r in facts["rules"]
    }
    log = facts["lettings_log"]
    return CoreSpec(
        year=facts["collection_year"], label=facts["collection_year_label"], commit=commit,
        field_count=facts["field_count"], header_marker=facts["template"]["header_marker"],
        columns=tuple(columns), rules=rules,
        fixed_term=frozenset(log["fixed_term_tenancy"]["codes"]), periodic=frozenset(log["periodic_tenancy"]["codes"]),
        general_needs=frozenset(log["general_needs"]["codes"]), supported_housing=frozenset(log["supported_housing"]["codes"]),
        social_or_affordable=frozenset(log["affordable_or_social_renttype"]["codes"]),
        renttype_of_rent_type={int(k): v for k, v in log["renttype_of_rent_type"]["map"].items()},
    )
