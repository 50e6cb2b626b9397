"""Live checks of the records themselves: each entity's sample valid against the standard, UPRNs and dates valid.

Records come from the shared pagination walk (`live_walk.sampled_records`), mapped to the
standard's shape by the declaration, so the records checks add no traffic of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import Walk, sampled_records, unmapped_values
from interopcheck.checks.registry import check
from interopcheck.checks.registry import CheckFunc
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.declaration import MISSING, pointer_get
from interopcheck.entities import ENTITIES
from interopcheck.errors import CheckSkipped
from interopcheck.model import Finding

MAX_SHOWN = 20
UPRN_RE = re.compile(r"^[0-9]{1,12}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _sample(ctx: CheckContext, entity: str) -> tuple[list[Any], Walk]:
    """The sampled standard-shaped records of `entity`; skip when there are none to look at."""
    records, w = sampled_records(ctx, entity)
    if not records:
        if w.errors:
            raise _Errored(f"no {entity} records could be read: {w.errors[0].message}", w.errors)
        if w.problems:
            raise _Errored(f"no {entity} records could be read: {w.problems[0].message}", w.problems)
        raise CheckSkipped(f"the {entity} collection returned no records")
    return records, w


class _Errored(Exception):
    """The sampled records could not be read: the check errors with these findings."""

    def __init__(self, reason: str, findings: list[Finding]) -> None:
        super().__init__(reason)
        self.reason, self.findings = reason, findings


def _record_id(record: Any) -> str:
    """The standard record's id, for findings."""
    rid = pointer_get(record, "/id")
    return str(rid) if rid is not MISSING else "?"


def _records_check(entity: str) -> CheckFunc:
    """The `live.records.<entity>` check function for one entity."""

    def records_valid(ctx: CheckContext) -> Decision:
        """Sampled records of the entity, after the declaration's mapping, validate against the standard schema."""
        if ctx.standards is None:
            return skipped("the standard schemas are not available")
        try:
            records, w = _sample(ctx, entity)
        except _Errored as err:
            return errored(err.reason, err.findings)
        validator = ctx.standards.validator(entity)
        findings: list[Finding] = []
        bad = 0
        for record in records:
            errors = validator.errors(record)
            if not errors:
                continue
            bad += 1
            if len(findings) < MAX_SHOWN:
                shown = "; ".join(f"{e.pointer or '/'}: {e.message}" for e in errors[:5])
                findings.append(
                    Finding(
                        f"{entity} {_record_id(record)}: {shown}",
                        exchange=w.exchange(),
                        data={"id": _record_id(record), "errors": [{"pointer": e.pointer, "message": e.message, "kind": e.kind} for e in errors[:20]]},
                    )
                )
        total = len(records)
        unmapped = unmapped_values(ctx, entity)
        findings += [
            Finding(f"{entity} {u.message}", exchange=w.exchange(),
                    data={"field": u.field, "value": u.value, "count": u.count, "first_id": u.first_id, "other_values": u.other})
            for u in unmapped
        ]
        if bad or unmapped:
            head = f"{bad} of {total} {entity} records failed the standard schema"
            if unmapped:
                head += f"; {len(unmapped)} value(s) outside the declaration's value maps"
            return failed(head, findings)
        return passed(f"all {total} sampled {entity} records are valid against the standard", [Finding(f"{total} {entity} records validated", exchange=w.exchange())])

    records_valid.__qualname__ = f"records_valid[{entity}]"
    return records_valid


for _entity in ENTITIES:
    check(f"live.records.{_entity}", title=f"{_entity} records valid against the standard", family="live", needs=("live", "declaration", "credentials"))(
        _records_check(_entity)
    )


@check("live.uprn-valid", title="A valid UPRN on every property", family="live", needs=("live", "declaration", "credentials"))
def uprn_valid(ctx: CheckContext) -> Decision:
    """Every sampled property has a UPRN of 1 to 12 digits (zero-padded ones normalised) and address.uprn agrees if given."""
    try:
        records, w = _sample(ctx, "property")
    except _Errored as err:
        return errored(err.reason, err.findings)
    findings = []
    padded = 0
    for record in records:
        problem = uprn_problem(pointer_get(record, "/uprn"), pointer_get(record, "/address/uprn"))
        padded += problem is None
        if problem:
            findings.append(Finding(f"property {_record_id(record)} {problem}", exchange=w.exchange(), data={"id": _record_id(record)}))
    if findings:
        return failed(f"{len(findings)} of {len(records)} properties lack a valid UPRN", findings[:MAX_SHOWN])
    normalised = (
        f"; {padded} zero-padded UPRN(s) accepted and read without their leading zeros, as gazetteers pad them" if padded else ""
    )
    return passed(f"all {len(records)} sampled properties have a valid UPRN{normalised}")


def normalise_uprn(value: Any) -> str | None:
    """The UPRN in `value` as its canonical digits (leading zeros stripped), or None when it is not one.

    OS and GeoPlace type the UPRN as an integer of up to 12 digits; gazetteer extracts often
    zero-pad it to 12 characters, and CORE accepts 1 to 12 digits, so a padded UPRN is the same
    UPRN, not an error. Zero is no UPRN.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str) and UPRN_RE.match(value):
        text = value.lstrip("0")
    else:
        return None
    return text if text and text.isdigit() and len(text) <= 12 else None


def uprn_problem(uprn: Any, address_uprn: Any) -> str | None:
    """Why a property's UPRN is not valid; "" when valid as given, None when valid once its zero padding is stripped."""
    if uprn is MISSING or uprn is None:
        return "has no uprn"
    canonical = normalise_uprn(uprn) if isinstance(uprn, str) else None
    if canonical is None:
        return f"has an invalid uprn {uprn!r}"
    if address_uprn not in (MISSING, None) and normalise_uprn(address_uprn) != canonical:
        return f"has address.uprn {address_uprn!r} different from uprn {uprn!r}"
    return "" if canonical == uprn else None


def _date_fields(ctx: CheckContext, entity: str) -> dict[str, str]:
    """Standard pointer -> "date" or "date-time" for `entity` (from the standards, else by name)."""
    if ctx.standards is not None:
        try:
            return {p: f.format for p, f in ctx.standards.fields(entity).items() if f.format in ("date", "date-time")}
        except Exception:  # noqa: BLE001 - another part's registry; fall back to names
            pass
    return {}


def _dates_in(record: Any, fields: dict[str, str], prefix: str = "") -> Iterator[tuple[str, str, Any]]:
    """(pointer, expected format, value) for every date-like value in `record`."""
    if not isinstance(record, dict):
        return
    for key, value in record.items():
        pointer = f"{prefix}/{key}"
        generic = re.sub(r"/\d+(?=/|$)", "", pointer)  # /status_history/0/at -> /status_history/at
        kind = fields.get(pointer) or fields.get(generic)
        if kind is None and not fields:
            kind = "date-time" if key.endswith("_at") else "date" if key == "date" or key.endswith("_date") or key.startswith("date_") else None
        if kind and value is not None:
            yield pointer, kind, value
        elif isinstance(value, dict):
            yield from _dates_in(value, fields, pointer)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from _dates_in(item, fields, f"{pointer}/{i}")


def _valid(kind: str, value: Any) -> bool:
    """Whether `value` is a real RFC 3339 date (`kind` date) or date-time."""
    if not isinstance(value, str):
        return False
    try:
        if kind == "date":
            return bool(DATE_RE.match(value)) and bool(date.fromisoformat(value))
        return bool(DATETIME_RE.match(value)) and bool(datetime.fromisoformat(value.replace("z", "Z")))
    except ValueError:
        return False


#: What is wrong with a date value, by kind of problem: the summary's words for each.
WRONG_KIND = {"date": "a date-time where the standard expects a date", "date-time": "a date where the standard expects a date-time"}
NOT_ISO = "not valid ISO 8601"


def date_problem(kind: str, value: Any) -> str | None:
    """Why `value` is not the RFC 3339 `kind` (date or date-time) the standard expects, or None when it is.

    A valid RFC 3339 value of the other kind (`1938-05-16T00:00:00Z` for a date of birth) is valid
    ISO 8601, as GDS asks (API technical and data standards: "Follow the Technology Code of Practice
    and other standards", ISO 8601 for dates and times), but not the RFC 3339 section 5.6 full-date or date-time the
    standard's field is: it is named as the wrong kind, so the supplier knows what to change.
    Anything else is not valid ISO 8601 in RFC 3339's profile (`02/01/2026`, `2026-02-30`).
    """
    if _valid(kind, value):
        return None
    other = "date-time" if kind == "date" else "date"
    return WRONG_KIND[kind] if _valid(other, value) else NOT_ISO


def _dates_summary(problems: list[str], checked: int) -> str:
    """`3 of 6 dates are not as the standard expects: 2 not valid ISO 8601, 1 a date-time where ...`."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem] = counts.get(problem, 0) + 1
    parts = ", ".join(f"{n} {what}" for what, n in sorted(counts.items(), key=lambda kv: (kv[0] != NOT_ISO, kv[0])))
    if set(counts) == {NOT_ISO}:
        return f"{len(problems)} of {checked} dates are not valid ISO 8601"
    why = "; every date must be an RFC 3339 full-date and every timestamp an RFC 3339 date-time (HSG-DATA-12; GDS: ISO 8601 for dates and times)"
    if NOT_ISO not in counts:
        return f"{len(problems)} of {checked} dates are of the wrong kind: {parts}{why}"
    return f"{len(problems)} of {checked} dates are not as the standard expects: {parts}{why}"


@check("live.dates-valid", title="ISO 8601 dates", family="live", needs=("live", "declaration", "credentials"))
def dates_valid(ctx: CheckContext) -> Decision:
    """Every date and date-time in the sampled records of every declared entity is RFC 3339 / ISO 8601 and a real date.

    A value of the wrong kind (a date-time where the standard's field is a date, or the converse) is
    reported as such, not as "not valid ISO 8601": the profile asks for an RFC 3339 full-date for
    every date and a date-time for every timestamp, so it still fails, with the right reason.
    """
    assert ctx.declaration is not None
    findings: list[Finding] = []
    problems: list[str] = []
    errors: list[Finding] = []
    checked = 0
    for entity in ctx.declaration.entities:
        if entity not in ctx.scope.entities:
            continue
        try:
            records, w = _sample(ctx, entity)
        except CheckSkipped:
            continue
        except _Errored as err:
            errors += err.findings[:1]
            continue
        fields = _date_fields(ctx, entity)
        for record in records:
            for pointer, kind, value in _dates_in(record, fields):
                checked += 1
                problem = date_problem(kind, value)
                if problem is None:
                    continue
                problems.append(problem)
                said = f"is not a valid ISO 8601 {kind}" if problem == NOT_ISO else f"is {problem}"
                findings.append(Finding(f"{entity} {_record_id(record)}: {pointer} = {value!r} {said}", exchange=w.exchange()))
    if findings:
        return failed(_dates_summary(problems, checked), findings[:MAX_SHOWN])
    if not checked:
        return errored("no dates could be checked", errors) if errors else skipped("no records with dates were returned")
    return passed(f"all {checked} dates in the sampled records are valid ISO 8601")
