"""Static check that date fields declare a date format (HSG-API-20, after RFC 3339 and the OAS
`date`/`date-time` formats).

What is a date is decided from the schema (type string, `format`, `pattern`, `enum`/`const`) and
from the property or parameter name (`*_date`, `*_at`, `dateOf*`, `*Date`, `*On`), never from
example values: a placeholder example (`''`, `'never'`) neither makes a field a date nor excuses
it. A date that may also hold a sentinel (`''`, `'now'`, `'unset'`, `'never'`) is modelled as
alternatives: the date alternative must declare its format, the sentinel alternative (an enum
or const of literals that are not dates) is not a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, not_applicable
from interopcheck.checks.spec_shapes import FAMILY, Problem, decide, need_index, normalise, note, types_of
from interopcheck.model import Finding
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Parameter
from interopcheck.spec.pointer import join

_DATE_FORMATS = frozenset({"date", "date-time"})
#: Names of date-like properties: whole names, snake_case and camelCase forms.
_DATE_WHOLE = frozenset({"date", "dob", "birthdate", "birthday", "timestamp", "datetime"})
_DATE_NAME = re.compile(r"^date_of_|_(date|datetime|timestamp)$|^dateOf[A-Z]|[a-z0-9](Date|DateTime|Timestamp)$")
_RELATIVE_NAME = re.compile(r"^(?P<stem>[a-z0-9_]*[a-z0-9])_(at|on)$|^(?P<camel>[a-z][a-zA-Z0-9]*[a-z0-9])(At|On)$")
#: Stems before `_at`/`_on` that name a place or a relation, not a time (`located_at`, `based_on`).
_NOT_TIME_STEMS = frozenset(
    {
        "located", "hosted", "based", "served", "available", "found", "stationed", "lives", "living",
        "depends", "relies", "focused", "built", "turned", "switched", "runs", "reachable", "add",
        "plug", "carried", "looked", "aimed", "is", "log", "sign", "opt",
    }
)
#: Normalised parameter names that filter by a date or time: `modified_after`, `createdBefore`, `updated_since`.
_DATE_PARAM = re.compile(
    r"^(filter)?(created|modified|updated|changed|deleted|lastmodified|lastupdated|lastchanged)(at|on|date|time|datetime)?"
    r"(since|until|after|before|from|to|gt|gte|lt|lte|min|max|start|end)$"
)
_DATE_PARAM_WHOLE = frozenset({"since", "until", "datefrom", "dateto", "fromdate", "todate", "startdate", "enddate"})
#: RFC 3339 full-date and date-time values a pattern that declares an ISO form admits.
_ISO_SAMPLES = ("2024-01-31", "2024-01-31T12:30:00Z", "2024-01-31T12:30:00.000Z", "2024-01-31T12:30:00+01:00")
_ISO_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$")


def is_date_name(name: str) -> bool:
    """Whether a property name looks like a date or timestamp (`start_date`, `createdAt`, `dob`).

    `*_at`/`*_on`/`*At`/`*On` count unless the word before names a place or relation
    (`located_at`, `based_on`), so `update_frequency` or `depends_on` are not flagged.
    """
    if name.lower() in _DATE_WHOLE or _DATE_NAME.search(name):
        return True
    match = _RELATIVE_NAME.match(name)
    if match is None:
        return False
    stem = match.group("stem") or match.group("camel") or ""
    last = re.split(r"_|(?<=[a-z0-9])(?=[A-Z])", stem)[-1].lower()
    return last not in _NOT_TIME_STEMS


def is_date_parameter(name: str) -> bool:
    """Whether a query or path parameter name asks for a date or time (`modified_after`,
    `updated_since`, `since`, `createdBefore`, `start_date`); a bare `after`/`before` is a cursor."""
    key = normalise(name)
    return is_date_name(name) or key in _DATE_PARAM_WHOLE or bool(_DATE_PARAM.match(key))


def _string_variants(index: SpecIndex, schema: Any, depth: int = 6) -> list[dict[str, Any]]:
    """The string-typed alternatives of a property schema: itself (its `allOf` members merged in),
    or its anyOf/oneOf members, `$ref`s followed."""
    node = index.resolve(schema)
    if not isinstance(node, dict) or depth <= 0:
        return []
    if isinstance(node.get("allOf"), list):
        merged = {k: v for k, v in node.items() if k != "allOf"}
        for member in node["allOf"]:
            for sub in _string_variants(index, member, depth - 1)[:1]:
                merged = {**sub, **merged}
        node = merged
    if "string" in types_of(node):
        return [node]
    out = []
    for key in ("anyOf", "oneOf"):
        for member in node.get(key) or ():
            out += _string_variants(index, member, depth - 1)
    return out


def _literals(variant: dict[str, Any]) -> list[Any] | None:
    """The values an `enum` or `const` pins the variant to, or None when it is open."""
    if "const" in variant:
        return [variant["const"]]
    enum = variant.get("enum")
    return list(enum) if isinstance(enum, list) else None


def _is_sentinel(variant: dict[str, Any]) -> bool:
    """A closed set of literals none of which is a date (`enum: ['', 'never']`, `const: now`)."""
    values = _literals(variant)
    return values is not None and not any(isinstance(v, str) and _ISO_VALUE.match(v) for v in values)


def _admits_iso(pattern: str) -> bool | None:
    """Whether a `pattern` admits RFC 3339 dates or date-times (None: it could not be read)."""
    try:
        compiled = re.compile(pattern)
    except re.error:
        return None
    return any(compiled.search(sample) for sample in _ISO_SAMPLES)


@dataclass(frozen=True)
class _Judgement:
    """What a date-named schema is: `none` (no string), `code` (sentinels only), `ok`, `pattern`
    (its form declared by a pattern only) or `bad`, with the detail shown."""

    kind: str
    detail: str = ""


def _judge(index: SpecIndex, schema: Any) -> _Judgement:
    variants = _string_variants(index, schema)
    if not variants:
        return _Judgement("none")
    dates = [v for v in variants if not _is_sentinel(v)]
    if not dates:
        shown = ", ".join(repr(v) for var in variants for v in (_literals(var) or [])[:4])
        return _Judgement("code", f"only the literal value(s) {shown}")
    by_pattern = ""
    for variant in dates:
        fmt = variant.get("format")
        if fmt in _DATE_FORMATS:
            continue
        pattern = variant.get("pattern")
        if isinstance(pattern, str) and not fmt:
            admits = _admits_iso(pattern)
            if admits is not False:
                by_pattern = f"pattern {pattern!r}" + ("" if admits else " (not readable as a regular expression)")
                continue
            return _Judgement("bad", f"pattern {pattern!r}, which admits no RFC 3339 date")
        return _Judgement("bad", f"format {fmt!r}" if fmt else "no format")
    return _Judgement("pattern", by_pattern) if by_pattern else _Judgement("ok")


@check("spec.date-formats", title="Date properties declare format date or date-time", family=FAMILY, needs=("spec",))
def date_formats(ctx: CheckContext) -> Decision:
    """String properties with date-like names (`*_date`, `*_at`, `dob`, `*Date`, `*At`, `*_on`),
    in the document or the files beside it that it `$ref`s, and date-like query and path
    parameters (`modified_after`, `updated_since`) declare `format: date` or `date-time`
    (HSG-API-20; RFC 3339 dates, the OAS formats). A pattern that admits RFC 3339 values declares
    the form too (shown as evidence: the format is preferred); an alternative that is only a
    sentinel (`enum: ['', 'never']`) is not a date. Not applicable when there is no such string
    property or parameter to check."""
    index = need_index(ctx)
    problems = []
    evidence: list[Finding] = []
    seen = checked = 0
    for pointer, schema in index.schema_nodes():
        props = schema.get("properties")
        if not isinstance(props, dict):
            continue
        for name, prop in props.items():
            if not isinstance(name, str) or not is_date_name(name):
                continue
            seen += 1
            found = _judge(index, prop)
            checked += found.kind not in ("none", "code")
            where = join(pointer, "properties", name)
            shown = pointer
            if pointer and not pointer.startswith("/"):  # in a file beside the spec
                at = index.location(pointer)
                shown = f"{at.pointer} in {at.file}"
            what = f"property {name!r} of schema {shown}"
            if found.kind == "bad":
                problems.append(Problem(f"{what} is a date-like string with {found.detail}", where))
            elif found.kind in ("code", "pattern") and len(evidence) < 50:
                evidence.append(_explain(index, what, found, where))
    params_seen, params_checked, param_problems, param_notes = _date_parameters(index)
    seen, checked, problems = seen + params_seen, checked + params_checked, problems + param_problems
    evidence += param_notes[: max(0, 50 - len(evidence))]
    if not seen:
        return not_applicable("no date-like properties or parameters found in the document's schemas" + _unfetched_note(index))
    if not checked and not problems:
        return not_applicable(
            f"no date-like string properties or parameters found in the document's schemas ({seen} date-like"
            " properties or parameters are not strings, are codes, or have schemas that could not be resolved)" + _unfetched_note(index)
        )
    ok = f"all {checked} date-like string properties and parameters declare a date format"
    return decide(index, problems, ok=ok, bad="{n} date-like string properties or parameters lack format date or date-time", evidence=evidence)


def _explain(index: SpecIndex, what: str, found: _Judgement, pointer: str) -> Finding:
    """Evidence for a date-named field that is not checked (a code) or is declared by a pattern."""
    if found.kind == "code":
        return note(index, f"{what} is not a date: it takes {found.detail}", pointer)
    return note(index, f"{what} declares its date form by {found.detail} (format date or date-time is preferred)", pointer)


def _date_parameters(index: SpecIndex) -> tuple[int, int, list[Problem], list[Finding]]:
    """(date-like parameters seen, string ones checked, problems, evidence), once per parameter definition."""
    users: dict[str, list[str]] = {}
    params: dict[str, Parameter] = {}
    for op in index.operations:
        for param in op.parameters:
            if param.location in ("query", "path") and is_date_parameter(param.name):
                key = param.defined_at or param.pointer
                params.setdefault(key, param)
                users.setdefault(key, []).append(op.key)
    checked = 0
    problems = []
    notes = []
    for key, param in params.items():
        found = _judge(index, param.schema)
        checked += found.kind not in ("none", "code")
        node = index.deref("#" + key if key.startswith("/") else key)
        where = join(key, "schema") if isinstance(node, dict) and "schema" in node else key
        used = ", ".join(users[key][:3]) + (", ..." if len(users[key]) > 3 else "")
        what = f"{param.location} parameter {param.name!r} ({used})"
        if found.kind == "bad":
            problems.append(Problem(f"{what} is a date-like string with {found.detail} (expected date or date-time)", where))
        elif found.kind in ("code", "pattern"):
            notes.append(_explain(index, what, found, where))
    return len(params), checked, problems, notes


def _unfetched_note(index: SpecIndex) -> str:
    """`; N network documents ... were not fetched` when the description `$ref`s any it did not fetch."""
    remote = {ref.partition("#")[0] for _, ref in index.document.remote_refs}
    return f" ({len(remote)} network document(s) it $refs were not fetched, so their schemas were not checked)" if remote else ""
