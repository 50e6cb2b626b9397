"""Static checks on payloads: JSON media types, object (not array) responses, documented errors
and problem+json (HSG-API-05/17; date formats are `spec_dates`).
"""

from __future__ import annotations

from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, skipped
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
    note,
    object_properties,
    success_json_schemas,
    unread_uri,
)
from interopcheck.checks.spec_files import bodyless_download, file_transfer
from interopcheck.model import Finding
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation

_PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})


_EXEMPT = "HSG-API-05's JSON rule covers structured data, not file transfers"


@check("spec.json-media-types", title="Bodies and 2xx responses offer JSON", family=FAMILY, needs=("spec",))
def json_media_types(ctx: CheckContext) -> Decision:
    """Every 2xx response with content and every request body of a data operation offers
    `application/json` or a `+json` type (HSG-API-05, after the GDS API technical and data
    standards: JSON is the first choice for data, other representations only in exceptional
    cases). Export operations may offer only NDJSON/CSV/zip/gzip; file transfers (a multipart
    upload with a file part, an octet-stream or PDF body, a PDF/image/octet-stream download, CSV
    sent as an attachment: `spec_files`) and FHIR searches posted as forms are exempt and listed
    as evidence with the reason. An
    operation that offers JSON beside CSV passes; structured data offered only as XML fails, and so
    does a data GET whose 2xx response declares no body at all (unless it is a file download)."""
    index = need_index(ctx)
    problems = []
    exempt: list[Finding] = []
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
            if why := file_transfer(index, op, resp.media_types, resp):
                exempt.append(note(index, f"{op.key} response {resp.status} is a file download ({why}), exempt: {_EXEMPT}", where))
                continue
            problems.append(Problem(f"{op.key} response {resp.status} offers no JSON media type ({', '.join(names)})", where))
        if op.request_body and not any(is_json_media(mt.name) for mt in op.request_body):
            names_ = ", ".join(mt.name for mt in op.request_body)
            where = op.request_body[0].pointer.rsplit("/", 1)[0] if index.major == 3 else op.request_body[0].pointer
            if why := file_transfer(index, op, op.request_body):
                exempt.append(note(index, f"{op.key} request body is a file upload ({why}), exempt: {_EXEMPT}", where))
                continue
            if _form_search(op):
                exempt.append(note(index, f"{op.key} request body is search parameters posted as a form (FHIR R4 `POST [type]/_search`), not a data representation", where))
                continue
            problems.append(Problem(f"{op.key} request body offers no JSON media type ({names_})", where))
        if op.method == "get" and not is_meta_operation(op) and not export:
            found, downloads = _bodiless_data(index, op)
            problems += found
            exempt += downloads
    files = f" ({len(exempt)} file transfer(s) or form searches exempt)" if exempt else ""
    return decide(
        index, problems, ok="every body and 2xx response offers JSON" + files,
        bad="{n} body/response(s) without a JSON media type" + files, evidence=exempt[:50],
    )


_SEARCH_SEGMENTS = frozenset({"_search", "search"})


def _form_search(op: Operation) -> bool:
    """A POST whose last path segment is `_search`/`search` and whose body is only form-encoded:
    search parameters sent in a body (FHIR R4's RESTful search), not a record."""
    segs = [s.lower() for s in op.path.split("/") if s]
    return (
        op.method == "post"
        and bool(segs)
        and segs[-1] in _SEARCH_SEGMENTS
        and all(base_media(mt.name) == "application/x-www-form-urlencoded" for mt in op.request_body)
    )


#: 2xx statuses that may rightly carry no body (created, accepted, no content, reset content).
_BODYLESS = frozenset({"201", "202", "204", "205"})


@check("spec.object-responses", title="2xx JSON responses are objects", family=FAMILY, needs=("spec",))
def object_responses(ctx: CheckContext) -> Decision:
    """2xx JSON response schemas resolve to objects, not top-level arrays (an envelope can grow;
    HSG-API-28 since profile 1.2.0); a data GET's 2xx response that offers JSON without a schema
    fails (one with no body at all is spec.json-media-types', HSG-API-05); a schema behind a network
    `$ref` that was not fetched leaves the check undecided (skip)."""
    index = need_index(ctx)
    problems = []
    exempt: list[Finding] = []
    unread: list[str] = []
    for op in index.operations:
        for pointer, schema in success_json_schemas(op):
            if is_array_schema(index, schema):
                problems.append(Problem(f"{op.key} returns a top-level JSON array", pointer))
            elif hidden := unread_uri(index, schema):
                unread.append(f"{op.key} ({hidden})")
        if op.method == "get" and not is_meta_operation(op) and not is_export_operation(op):
            found, downloads = _undocumented_bodies(index, op)
            problems += found
            exempt += downloads
    if problems:
        left = f"; {len(unread)} more could not be read (not fetched)" if unread else ""
        return decide(index, problems, ok="", bad="{n} response(s) are top-level arrays or JSON without a schema" + left, evidence=exempt[:50])
    if unread:
        shown = ", ".join(unread[:5]) + (", ..." if len(unread) > 5 else "")
        return skipped(
            f"{len(unread)} 2xx response schema(s) are behind network $refs that were not fetched, so whether they"
            f" are objects is unknown: {shown} (--allow-remote-refs fetches them)"
        )
    files = f" ({len(exempt)} file download(s) exempt)" if exempt else ""
    return decide(index, problems, ok="every 2xx JSON response is an object" + files, bad="", evidence=exempt[:50])


def _bodiless_data(index: SpecIndex, op: Operation) -> tuple[list[Problem], list[Finding]]:
    """(problems, exempt downloads) for the 2xx responses of a data GET that document no body at all:
    its data is not documented as JSON (HSG-API-05 since profile 1.2.0; before, spec.object-responses)."""
    out = []
    exempt = []
    for resp in op.responses:
        if not is_success(resp) or resp.status in _BODYLESS or resp.media_types:
            continue
        if why := bodyless_download(index, op, resp):
            exempt.append(note(index, f"{op.key} response {resp.status} is a file download ({why}), exempt: {_EXEMPT}", resp.pointer))
            continue
        out.append(Problem(f"{op.key} response {resp.status} declares no body, so its data is not documented as JSON", resp.pointer))
    return out, exempt


def _undocumented_bodies(index: SpecIndex, op: Operation) -> tuple[list[Problem], list[Finding]]:
    """(problems, exempt downloads) for the 2xx responses of a data GET that offer JSON without a
    schema (a response with no body at all is spec.json-media-types': `_bodiless_data`)."""
    out: list[Problem] = []
    exempt: list[Finding] = []
    for resp in op.responses:
        if not is_success(resp) or resp.status in _BODYLESS:
            continue
        out += [
            Problem(f"{op.key} response {resp.status} offers {mt.name} without a schema, so it is not documented as a JSON object", mt.pointer)
            for mt in resp.media_types
            if is_json_media(mt.name) and mt.schema is None
        ]
    return out, exempt


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
