"""Static checks on payloads: JSON media types, object (not array) responses, date formats,
documented errors and problem+json (HSG-API-05/17/20).
"""

from __future__ import annotations

import re
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, not_applicable, skipped
from interopcheck.checks.spec_shapes import (
    FAMILY,
    Problem,
    base_media,
    decide,
    is_array_schema,
    is_bulk_media,
    is_error,
    is_export_operation,
    is_json_media,
    is_meta_operation,
    is_success,
    need_index,
    normalise,
    object_properties,
    success_json_schemas,
    types_of,
    unread_uri,
)
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation, Parameter
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
_PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})


@check("spec.json-media-types", title="Bodies and 2xx responses offer JSON", family=FAMILY, needs=("spec",))
def json_media_types(ctx: CheckContext) -> Decision:
    """Every 2xx response with content and every request body of a data operation offers
    `application/json` or a `+json` type; export operations may offer only NDJSON/CSV/zip/gzip."""
    index = need_index(ctx)
    problems = []
    for op in index.operations:
        if is_meta_operation(op):
            continue  # an OAuth token request is form-encoded by RFC 6749
        export = is_export_operation(op)
        for resp in op.responses:
            if not is_success(resp) or not resp.media_types:
                continue
            names = [mt.name for mt in resp.media_types]
            if any(is_json_media(n) for n in names) or (export and all(is_bulk_media(n) for n in names)):
                continue
            where = resp.media_types[0].pointer.rsplit("/", 1)[0] if index.major == 3 else resp.pointer
            problems.append(Problem(f"{op.key} response {resp.status} offers no JSON media type ({', '.join(names)})", where))
        if op.request_body and not any(is_json_media(mt.name) for mt in op.request_body):
            names = ", ".join(mt.name for mt in op.request_body)
            where = op.request_body[0].pointer.rsplit("/", 1)[0] if index.major == 3 else op.request_body[0].pointer
            problems.append(Problem(f"{op.key} request body offers no JSON media type ({names})", where))
    return decide(index, problems, ok="every body and 2xx response offers JSON", bad="{n} body/response(s) without a JSON media type")


#: 2xx statuses that may rightly carry no body (created, accepted, no content, reset content).
_BODYLESS = frozenset({"201", "202", "204", "205"})


@check("spec.object-responses", title="2xx JSON responses are objects", family=FAMILY, needs=("spec",))
def object_responses(ctx: CheckContext) -> Decision:
    """2xx JSON response schemas resolve to objects, not top-level arrays (an envelope can grow);
    a data GET's 2xx response that declares no body (or JSON without a schema) fails, and a
    schema behind a network `$ref` that was not fetched leaves the check undecided (skip)."""
    index = need_index(ctx)
    problems = []
    unread: list[str] = []
    for op in index.operations:
        for pointer, schema in success_json_schemas(op):
            if is_array_schema(index, schema):
                problems.append(Problem(f"{op.key} returns a top-level JSON array", pointer))
            elif hidden := unread_uri(index, schema):
                unread.append(f"{op.key} ({hidden})")
        if op.method == "get" and not is_meta_operation(op) and not is_export_operation(op):
            problems += _undocumented_bodies(op)
    if problems:
        left = f"; {len(unread)} more could not be read (not fetched)" if unread else ""
        return decide(index, problems, ok="", bad="{n} response(s) are top-level arrays or declare no body" + left)
    if unread:
        shown = ", ".join(unread[:5]) + (", ..." if len(unread) > 5 else "")
        return skipped(
            f"{len(unread)} 2xx response schema(s) are behind network $refs that were not fetched, so whether they"
            f" are objects is unknown: {shown} (--allow-remote-refs fetches them)"
        )
    return decide(index, problems, ok="every 2xx JSON response is an object", bad="")


def _undocumented_bodies(op: Operation) -> list[Problem]:
    """Problems for the 2xx responses of a data GET that document no body (or JSON without a schema)."""
    out = []
    for resp in op.responses:
        if not is_success(resp) or resp.status in _BODYLESS:
            continue
        if not resp.media_types:
            out.append(Problem(f"{op.key} response {resp.status} declares no body, so its data is not documented as a JSON object", resp.pointer))
        out += [
            Problem(f"{op.key} response {resp.status} offers {mt.name} without a schema, so it is not documented as a JSON object", mt.pointer)
            for mt in resp.media_types
            if is_json_media(mt.name) and mt.schema is None
        ]
    return out


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


def _string_variants(index: SpecIndex, schema: Any) -> list[dict[str, Any]]:
    """The string-typed alternatives of a property schema (itself, or its anyOf/oneOf members)."""
    node = index.resolve(schema)
    if not isinstance(node, dict):
        return []
    if "string" in types_of(node):
        return [node]
    out = []
    for key in ("anyOf", "oneOf"):
        for member in node.get(key) or ():
            sub = index.resolve(member)
            if isinstance(sub, dict) and "string" in types_of(sub):
                out.append(sub)
    return out


def is_date_parameter(name: str) -> bool:
    """Whether a query or path parameter name asks for a date or time (`modified_after`,
    `updated_since`, `since`, `createdBefore`, `start_date`); a bare `after`/`before` is a cursor."""
    key = normalise(name)
    return is_date_name(name) or key in _DATE_PARAM_WHOLE or bool(_DATE_PARAM.match(key))


def _bad_format(variants: list[dict[str, Any]]) -> str | None:
    """How the first string variant without format date/date-time is declared, or None if all have one."""
    bad = [v for v in variants if v.get("format") not in _DATE_FORMATS]
    if not bad:
        return None
    shown = bad[0].get("format")
    return f"format {shown!r}" if shown else "no format"


@check("spec.date-formats", title="Date properties declare format date or date-time", family=FAMILY, needs=("spec",))
def date_formats(ctx: CheckContext) -> Decision:
    """String properties with date-like names (`*_date`, `*_at`, `dob`, `*Date`, `*At`, `*_on`),
    in the document or the files beside it that it `$ref`s, and date-like query and path
    parameters (`modified_after`, `updated_since`) declare `format: date` or `date-time`; not
    applicable when there is no such string property or parameter to check."""
    index = need_index(ctx)
    problems = []
    seen = checked = 0
    for pointer, schema in index.schema_nodes():
        props = schema.get("properties")
        if not isinstance(props, dict):
            continue
        for name, prop in props.items():
            if not isinstance(name, str) or not is_date_name(name):
                continue
            seen += 1
            variants = _string_variants(index, prop)
            checked += bool(variants)
            detail = _bad_format(variants)
            if detail:
                shown = pointer
                if pointer and not pointer.startswith("/"):  # in a file beside the spec
                    where = index.location(pointer)
                    shown = f"{where.pointer} in {where.file}"
                problems.append(Problem(f"property {name!r} of schema {shown} is a date-like string with {detail}", join(pointer, "properties", name)))
    params_seen, params_checked, param_problems = _date_parameters(index)
    seen, checked, problems = seen + params_seen, checked + params_checked, problems + param_problems
    if not seen:
        return not_applicable("no date-like properties or parameters found in the document's schemas" + _unfetched_note(index))
    if not checked:
        return not_applicable(
            f"no date-like string properties or parameters found in the document's schemas ({seen} date-like"
            " properties or parameters are not strings or have schemas that could not be resolved)" + _unfetched_note(index)
        )
    ok = f"all {checked} date-like string properties and parameters declare a date format"
    return decide(index, problems, ok=ok, bad="{n} date-like string properties or parameters lack format date or date-time")


def _date_parameters(index: SpecIndex) -> tuple[int, int, list[Problem]]:
    """(date-like parameters seen, string ones checked, problems), once per parameter definition."""
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
    for key, param in params.items():
        variants = _string_variants(index, param.schema)
        checked += bool(variants)
        detail = _bad_format(variants)
        if detail:
            node = index.deref("#" + key if key.startswith("/") else key)
            where = join(key, "schema") if isinstance(node, dict) and "schema" in node else key
            used = ", ".join(users[key][:3]) + (", ..." if len(users[key]) > 3 else "")
            message = f"{param.location} parameter {param.name!r} ({used}) is a date-like string with {detail}"
            problems.append(Problem(message + " (expected date or date-time)", where))
    return len(params), checked, problems


def _unfetched_note(index: SpecIndex) -> str:
    """`; N network documents ... were not fetched` when the description `$ref`s any it did not fetch."""
    remote = {ref.partition("#")[0] for _, ref in index.document.remote_refs}
    return f" ({len(remote)} network document(s) it $refs were not fetched, so their schemas were not checked)" if remote else ""


@check("spec.error-responses", title="Operations document 4xx and 5xx responses", family=FAMILY, needs=("spec",))
def error_responses(ctx: CheckContext) -> Decision:
    """Each data operation documents a 4xx response and a 5xx (or `default`) response
    (meta operations such as health, token or the description itself are exempt)."""
    index = need_index(ctx)
    problems = []
    for op in index.operations:
        if is_meta_operation(op):
            continue
        statuses = [r.status for r in op.responses]
        missing = []
        if not any(s[:1] == "4" for s in statuses):
            missing.append("4xx")
        if not any(s[:1] == "5" or s == "default" for s in statuses):
            missing.append("5xx or default")
        if missing:
            problems.append(Problem(f"{op.key} documents no {' and no '.join(missing)} response", op.pointer + "/responses"))
    return decide(index, problems, ok="every data operation documents 4xx and 5xx responses", bad="{n} operation(s) lack documented error responses")


def _problem_shaped(index: SpecIndex, schema: Any) -> bool:
    """An RFC 9457-shaped schema: an object with at least two of type, title, status, detail, instance."""
    props = object_properties(index, schema)
    return props is not None and len(_PROBLEM_MEMBERS & set(props)) >= 2


@check("spec.problem-json", title="Error responses are problem+json", family=FAMILY, needs=("spec",))
def problem_json(ctx: CheckContext) -> Decision:
    """Documented 4xx/5xx/default responses of data operations offer `application/problem+json`
    or an RFC 9457-shaped schema."""
    index = need_index(ctx)
    problems = []
    seen = 0
    for op in index.operations:
        if is_meta_operation(op):
            continue  # OAuth token errors are RFC 6749 JSON, not problem+json
        for resp in op.responses:
            if not is_error(resp):
                continue
            seen += 1
            if not resp.media_types:
                problems.append(Problem(f"{op.key} response {resp.status} declares no body (problem+json expected)", resp.pointer))
            elif not any(
                base_media(mt.name) == "application/problem+json" or (is_json_media(mt.name) and _problem_shaped(index, mt.schema))
                for mt in resp.media_types
            ):
                names = ", ".join(mt.name for mt in resp.media_types)
                problems.append(Problem(f"{op.key} response {resp.status} is not problem+json ({names})", resp.pointer))
    if not seen:
        problem = Problem("no error responses are documented, so none is problem+json", "/paths")
        return decide(index, [problem], ok="", bad="no error responses documented")
    return decide(index, problems, ok=f"all {seen} error responses are problem+json", bad="{n} error response(s) are not problem+json")
