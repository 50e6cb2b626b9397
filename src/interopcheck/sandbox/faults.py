"""The sandbox's switchable faults: each one breaks exactly the requirement it names.

`--fault NAME` turns the conformant reference supplier into a flawed one. Faults only change
behaviour at the edges (responses, links, served spec, export streams); the stored data never
changes, so the default sandbox is always conformant. The table is the one in docs/CONTRACTS.md.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from interopcheck.errors import UsageError


@dataclass(frozen=True)
class Fault:
    """One fault: its name, the requirements it breaks, and what it does."""

    name: str
    requirements: tuple[str, ...]
    description: str


FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("no-auth", ("HSG-SEC-01",), "data endpoints answer without a token"),
        Fault("missing-uprn", ("HSG-DATA-11", "HSG-DATA-01"), "every other property has no UPRN (API and export)"),
        Fault("bad-dates", ("HSG-DATA-12",), "every other record's dates are DD/MM/YYYY, not ISO 8601 (API and export)"),
        Fault("broken-pagination", ("HSG-API-14",), "a page's next link repeats the same page, so a walk loops"),
        Fault("server-errors", ("HSG-API-12",), "item endpoints answer 500"),
        Fault("slow", ("HSG-API-21",), "one data response in four is delayed by 2.5 s (the 95th percentile goes over 2 s)"),
        Fault("wrong-content-type", ("HSG-API-06",), "data responses are labelled text/html"),
        Fault("export-truncated", ("HSG-EXP-01",), "exports stop after half of the records"),
        Fault("schema-drift", ("HSG-API-12",), "records carry an undocumented field and meta.total is a string"),
        Fault("http-only", ("HSG-API-01",), "the served OpenAPI document's servers are http://"),
        Fault("no-updated-since", ("HSG-API-16",), "collections ignore updated_since"),
        Fault("export-duplicates", ("HSG-EXP-04",), "exports repeat every 20th record"),
        Fault("orphan-references", ("HSG-EXP-05",), "every 10th tenancy points at a property that does not exist"),
        Fault("no-problem-json", ("HSG-API-18",), "errors are plain application/json, not problem+json"),
        Fault("core-invalid-answer", ("HSG-RET-01",), "the CORE lettings log's first row gives tenancy type (field 38) 9, not one of CORE's answers"),
        Fault("hclic-count-mismatch", ("HSG-RET-02",), "the H-CLIC return counts one household more in table A1 than the homelessness cases the API serves"),
        Fault(
            "real-looking-pii", ("HSG-SEC-04",),
            "every 5th person has a phone outside Ofcom's drama ranges, an email outside the reserved domains, "
            "and an NHS number and National Insurance number of valid form in vulnerability_details (API and export)",
        ),
        Fault("subject-access-incomplete", ("HSG-DATA-24",), "the subject-access extract leaves out the person's homelessness cases"),
        Fault("deletions-hidden", ("HSG-EXP-10",), "deleted records vanish, but the deletions feed and the incremental manifest list none of them"),
    )
}

#: Delay of the `slow` fault, in seconds (over the profile's 2 s limit).
SLOW_DELAY_S = 2.5
#: The `slow` fault delays the 1st, 5th, 9th... data response: enough to push the 95th percentile
#: over 2 s, while a full evaluator run against it stays minutes shorter than delaying every one.
SLOW_EVERY = 4

#: Faults that rewrite records (the others act on status, headers, links or the spec).
RECORD_FAULTS = frozenset({"missing-uprn", "bad-dates", "orphan-references", "real-looking-pii"})


def parse_faults(names: Iterable[str]) -> frozenset[str]:
    """Check fault names and return them as a set; an unknown name raises UsageError with a did-you-mean."""
    chosen = set()
    for name in names:
        if name not in FAULTS:
            close = difflib.get_close_matches(name, FAULTS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "known faults: " + ", ".join(FAULTS)
            raise UsageError(f"unknown sandbox fault {name!r}", hint=hint)
        chosen.add(name)
    return frozenset(chosen)


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})Z$")


def _uk_dates(node: Any) -> Any:
    """`node` with every ISO date and date-time written the British way, recursively."""
    if isinstance(node, dict):
        return {k: (v if k == "updated_at" else _uk_dates(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_uk_dates(v) for v in node]
    if isinstance(node, str):
        if m := _DATE.match(node):
            return f"{m[3]}/{m[2]}/{m[1]}"
        if m := _DATETIME.match(node):
            return f"{m[3]}/{m[2]}/{m[1]} {m[4]}"
    return node


def apply_record_faults(faults: frozenset[str], entity: str, seq: int, record: dict[str, Any]) -> dict[str, Any]:
    """`record` (row `seq` of `entity`) as a faulty supplier would serve it; unchanged for the others."""
    if "missing-uprn" in faults and entity == "property" and seq % 2 == 1:
        record.pop("uprn", None)
        if isinstance(record.get("address"), dict):
            record["address"].pop("uprn", None)
    if "orphan-references" in faults and entity == "tenancy" and seq % 10 == 1:
        record["property_id"] = f"PRP-GONE-{seq}"
    if "bad-dates" in faults and seq % 2 == 1:
        record = _uk_dates(record)
    if "real-looking-pii" in faults and entity == "person" and seq % 5 == 2:
        record.update(_real_looking_person(seq))
    return record


def _real_looking_person(seq: int) -> dict[str, str]:
    """Contact details and identifiers of forms real people have (invented all the same), for the `real-looking-pii` fault."""
    nine = f"{401000000 + seq * 7:09d}"
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    if check == 10:  # no NHS number has this check digit: take the next base instead
        return _real_looking_person(seq + 5)
    nhs = f"{nine[:3]} {nine[3:6]} {nine[6:]}{check}"
    return {
        "phone": f"07910 {seq % 1_000_000:06d}",
        "email": f"resident.{seq}@mailbox-demo.co.uk",
        "vulnerability_details": f"Referred by GP; NHS number {nhs}; NI number JK {seq % 100:02d} {seq // 100 % 100:02d} 17 C",
    }


def record_faults(faults: frozenset[str]) -> frozenset[str]:
    """The record-rewriting faults among `faults` (empty means rows stream out untouched)."""
    return faults & RECORD_FAULTS
