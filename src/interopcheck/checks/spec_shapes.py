"""Shared vocabulary of the static API-design checks: media types, schemas, findings.

One place decides "is this JSON", "is this an export", "what properties does this schema
have", so the `spec_*` check modules agree (which GETs list records is `spec_lists`'s, which
operations transfer files is `spec_files`'s). Everything reads the `SpecIndex`, never the raw walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.results import Decision, from_findings
from interopcheck.errors import CheckSkipped
from interopcheck.model import Finding
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation, Response
from interopcheck.spec.pointer import join

MAX_FINDINGS = 200
FAMILY = "spec"

#: Media types of bulk-export files (matched on the type without parameters).
BULK_MEDIA = frozenset(
    {
        "application/x-ndjson",
        "application/ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/jsonlines",
        "text/csv",
        "application/csv",
        "application/zip",
        "application/x-zip-compressed",
        "application/gzip",
        "application/x-gzip",
        "application/fhir+ndjson",
    }
)
_EXPORT_SEGMENTS = frozenset({"$export", "export", "exports", "bulk", "bulk-export", "bulk_export", "returns"})  # statutory returns are bulk files too
_EXPORT_SUFFIXES = (".ndjson", ".jsonl", ".csv", ".zip", ".gz")
_VERSION_SEGMENT = re.compile(r"^v\d+([._-]\d+)*$", re.IGNORECASE)
#: Path segments that make an operation "meta" (not data) once `api` and version prefixes are stripped.
_META_SEGMENTS = frozenset(
    {
        "health", "healthz", "healthcheck", "status", "ping", "ready", "readyz", "readiness", "live",
        "livez", "liveness", "version", "openapi", "openapi.json", "openapi.yaml", "openapi.yml",
        "swagger", "swagger.json", "swagger.yaml", "api-docs", "docs", "token", "oauth", "oauth2",
        ".well-known", "auth", "metadata", "$metadata",
    }
)


def need_index(ctx: CheckContext) -> SpecIndex:
    """The context's index; a missing one is a skip (the runner normally prevents this)."""
    if ctx.index is None:
        raise CheckSkipped("no API description could be indexed")
    return ctx.index


@dataclass(frozen=True)
class Problem:
    """A cheap finding-to-be: the message and the JSON pointer it is about."""

    message: str
    pointer: str
    data: dict[str, Any] | None = None


def decide(index: SpecIndex, problems: Iterable[Problem], *, ok: str, bad: str, evidence: Iterable[Finding] = ()) -> Decision:
    """`from_findings` over `problems`, resolving line numbers only for the findings that are kept."""
    found = list(problems)
    findings = [
        Finding(p.message, index.location(p.pointer) if i < MAX_FINDINGS else None, data=p.data)
        for i, p in enumerate(found)
    ]
    return from_findings(findings, ok=ok, bad=bad, evidence=evidence, max_findings=MAX_FINDINGS)


def note(index: SpecIndex, message: str, pointer: str) -> Finding:
    """An evidence finding for a pass."""
    return Finding(message, index.location(pointer))


def base_media(name: str) -> str:
    """The media type without parameters, lower case (`application/json; charset=utf-8` -> `application/json`)."""
    return name.split(";", 1)[0].strip().lower()


def is_json_media(name: str) -> bool:
    """`application/json` or any `+json` structured-syntax type."""
    base = base_media(name)
    return base == "application/json" or base.endswith("+json")


def is_bulk_media(name: str) -> bool:
    """A bulk-export file type: NDJSON, CSV, zip or gzip."""
    return base_media(name) in BULK_MEDIA


def is_success(response: Response) -> bool:
    """A 2xx response (`200`, `2XX`)."""
    return response.status[:1] == "2"


def is_error(response: Response) -> bool:
    """A 4xx, 5xx or default response."""
    return response.status[:1] in ("4", "5") or response.status == "default"


def segments(path: str) -> list[str]:
    """The non-empty segments of a path template."""
    return [s for s in path.split("/") if s]


def is_version_segment(segment: str) -> bool:
    """`v1`, `v2.1`, `V3`."""
    return bool(_VERSION_SEGMENT.match(segment))


def is_export_operation(op: Operation) -> bool:
    """An operation whose path names a bulk export (`/v1/$export`, `/exports/x.csv`)."""
    segs = [s.lower() for s in segments(op.path)]
    return any(s in _EXPORT_SEGMENTS for s in segs) or (bool(segs) and segs[-1].endswith(_EXPORT_SUFFIXES))


def is_meta_operation(op: Operation) -> bool:
    """Health, token, description or landing operations that carry no supplier data."""
    segs = [s.lower() for s in segments(op.path)]
    while segs and (segs[0] == "api" or is_version_segment(segs[0])):
        segs = segs[1:]
    return not segs or segs[0] in _META_SEGMENTS


def normalise(name: str) -> str:
    """A parameter or property name reduced for matching: lower case, no `_`, `-`, `.`, brackets."""
    return re.sub(r"[_\-.\[\]$]", "", name.lower())


def types_of(schema: Any) -> set[str]:
    """The JSON types a schema declares (`type` as a string or a list; 3.0 `nullable` ignored)."""
    if not isinstance(schema, dict):
        return set()
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    return set()


def object_properties(index: SpecIndex, schema: Any, depth: int = 8) -> dict[str, Any] | None:
    """Properties of a schema that is (or composes, via allOf) an object, else None.

    Follows `$ref`s and merges `allOf` members; bounded by `depth` so cycles end.
    """
    node = index.resolve(schema)
    if not isinstance(node, dict) or depth <= 0:
        return None
    types = types_of(node)
    props: dict[str, Any] = {}
    found = "object" in types or isinstance(node.get("properties"), dict)
    if isinstance(node.get("properties"), dict):
        props.update(node["properties"])
    for member in node.get("allOf") or ():
        sub = object_properties(index, member, depth - 1)
        if sub is not None:
            found = True
            props.update(sub)
    if not found or (types and "object" not in types):
        return None
    return props


def is_array_schema(index: SpecIndex, schema: Any) -> bool:
    """A schema that is a top-level array (declared `type: array`, or `items` without properties)."""
    node = index.resolve(schema)
    if not isinstance(node, dict):
        return False
    types = types_of(node)
    if types:
        return "array" in types and "object" not in types
    return "items" in node and "properties" not in node


def success_json_schemas(op: Operation) -> list[tuple[str, Any]]:
    """(pointer of the schema, schema) of every 2xx JSON media type of `op` that has a schema."""
    return [
        (mt.pointer + "/schema", mt.schema)
        for resp in op.responses
        if is_success(resp)
        for mt in resp.media_types
        if is_json_media(mt.name) and mt.schema is not None
    ]


def unread_uri(index: SpecIndex, schema: Any, depth: int = 4) -> str:
    """The network document whose not being fetched hides what `schema` is (object or array), or "".

    That is the `$ref` chain at its top, or, for a schema that declares no type, properties
    or items of its own, one of its allOf/anyOf/oneOf members.
    """
    target = index.target(schema)
    node = target.node
    if target.unfetched or not isinstance(node, dict) or depth <= 0:
        return target.unfetched
    if types_of(node) or "properties" in node or "items" in node:
        return ""
    for key in ("allOf", "anyOf", "oneOf"):
        for member in node.get(key) or ():
            found = unread_uri(index, member, depth - 1)
            if found:
                return found
    return ""


def query_names(op: Operation) -> dict[str, str]:
    """Normalised name -> name as written, of the operation's query parameters."""
    return {normalise(p.name): p.name for p in op.parameters if p.location == "query"}


def security_schemes(index: SpecIndex) -> dict[str, tuple[str, dict[str, Any]]]:
    """Security scheme name -> (pointer, resolved scheme) for 3.x `components` or 2.0 `securityDefinitions`."""
    base = "/securityDefinitions" if index.major == 2 else "/components/securitySchemes"
    raw = index.get(base)
    if not isinstance(raw, dict):
        return {}
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, scheme in raw.items():
        resolved = index.resolve(scheme)
        if isinstance(resolved, dict):
            out[str(name)] = (join(base, str(name)), resolved)
    return out


def find_operation(index: SpecIndex, ref: str) -> Operation | None:
    """The operation a declaration names (`SpecIndex.find_operation`; kept for `spec_collections`)."""
    return index.find_operation(ref)
