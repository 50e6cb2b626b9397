"""Which GET operations list records (collections), read from their response schema and path.

A GET is a collection when what it answers is a list of records: an array at the top, or an
array under a records member of an envelope (`data`, `items`, `results`, `entries`,
`resources`, JSON:API's `data`, SCIM's `Resources`, OData's `value`, HAL's `_embedded`),
possibly through `$ref` and `allOf`, or under a member named after the path (`{"repairs": [...]}`
on `/repairs`). A single resource (`/balance`, `/meta`, `/app`: a singular last path segment
with no id, answering an object whose arrays are parts of that object) is not a collection,
whatever arrays it carries. Shared by `spec.pagination` and `spec.modified-since-filter`.

Two lists are not record collections either, and are given as single resources with the reason:
a code list (reference data: items of a code and a label and nothing that makes them records,
DfE's `GET /reference-data?field=sex`), and a search whose records member is declared to hold
at most one record (`maxItems: 1`). When only prose says a search returns at most one record
(PDS's "zero or one Coverage resources in the Bundle"), the list is undecided (`Unread`, so the
checks skip with the reason), not judged on words alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.spec_shapes import (
    is_array_schema,
    is_export_operation,
    is_json_media,
    is_meta_operation,
    is_success,
    need_index,
    normalise,
    object_properties,
    segments,
    success_json_schemas,
    types_of,
    unread_uri,
)
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation, Response

_IRREGULAR_PLURALS = frozenset({"people", "children", "data", "media", "staff", "feedback", "history"})
#: Normalised names of envelope members that hold the records of a list.
RECORDS_MEMBERS = frozenset(
    {
        "data", "items", "results", "entries", "resources", "records", "value", "values", "content",
        "elements", "hits", "rows", "nodes", "edges", "list", "collection", "members", "entry",
    }
)
#: Envelope members that hold the lists one level down (HAL's `_embedded`).
_EMBEDDED = frozenset({"embedded"})
#: Normalised member names of a code-list item: its code, and its human label.
_CODE_NAMES = frozenset({"code", "key", "value", "id"})
_LABEL_NAMES = frozenset(
    {"label", "name", "displayname", "display", "description", "text", "title", "meaning", "term", "shortname", "longname"}
)
#: Normalised members a code-list item may also carry: validity and ordering of the code.
_CODE_EXTRAS = re.compile(r"^(start|end|valid|effective|expiry|expires)(year|date|from|to|on)?$|^(active|deprecated|order|sortorder|rank|system|version|parent|parentcode|category|group|abbreviation|hint|notes?)$")
#: Words that name reference data in a path segment, operationId, summary or tag.
_CODE_LIST_WORDS = re.compile(r"reference.?data|code.?lists?|\bcodes?\b|lookups?|enums?|enumerations?|value.?sets?|vocabular", re.IGNORECASE)
#: Prose that says a list answers at most one record ("zero or one Coverage resources").
_AT_MOST_ONE = re.compile(
    r"\b(zero or one|one or zero|at most one|no more than one|0 or 1|0\.\.1|a maximum of one)\b(?!\s+(page|request|call|time|query|of each))",
    re.IGNORECASE,
)


def is_plural(segment: str) -> bool:
    """Whether a path segment names many things (`repairs`, `people`, `properties.json`)."""
    last = segment.lower().split(".")[0]
    return last in _IRREGULAR_PLURALS or (last.endswith("s") and not last.endswith(("ss", "us", "is")))


def is_collection_path(op: Operation) -> bool:
    """A data GET on a plural path with no path parameter at the end (`GET /v1/repairs`)."""
    segs = segments(op.path)
    if op.method != "get" or not segs or segs[-1].startswith("{") or is_meta_operation(op) or is_export_operation(op):
        return False
    return is_plural(segs[-1])


@dataclass(frozen=True)
class Collection:
    """A collection GET: where its list schema is, the records member (`""` for a bare array), and
    the envelope's properties (empty for a bare array)."""

    op: Operation
    schema_pointer: str
    bare_array: bool
    properties: dict[str, Any]
    records: str = ""


@dataclass(frozen=True)
class Single:
    """A GET whose response is one object with arrays in it, judged not to be a collection, and why."""

    op: Operation
    reason: str


@dataclass(frozen=True)
class Unread:
    """A collection path whose response shape could not be read, and why (not fetched, or not declared)."""

    op: Operation
    reason: str


def _items_are_records(index: SpecIndex, schema: Any) -> bool:
    """An array schema whose items are objects (or whose items are not declared)."""
    node = index.resolve(schema)
    if not isinstance(node, dict):
        return False
    items = node.get("items")
    if items is None:
        return True
    return object_properties(index, items) is not None or bool(unread_uri(index, items))


def _records_member(index: SpecIndex, op: Operation, props: dict[str, Any]) -> str | None:
    """The envelope member that holds the list of records, or None when the object is a single resource."""
    arrays = {name: prop for name, prop in props.items() if isinstance(name, str) and is_array_schema(index, prop)}
    for name in arrays:
        if normalise(name) in RECORDS_MEMBERS:
            return name
    for name, prop in props.items():
        if isinstance(name, str) and normalise(name) in _EMBEDDED:
            inner = object_properties(index, prop) or {}
            found = next((sub for sub, p in inner.items() if is_array_schema(index, p)), None)
            if found is not None:
                return f"{name}.{found}"
    segs = [s for s in segments(op.path) if not s.startswith("{")]
    last = normalise(segs[-1].split(".")[0]) if segs else ""
    for name in arrays:
        if last and normalise(name) == last:
            return name
    if segs and not segments(op.path)[-1].startswith("{") and is_plural(segs[-1]):
        records = [name for name, prop in arrays.items() if _items_are_records(index, prop)]
        if len(records) == 1:
            return records[0]
    return None


def _records_schema(index: SpecIndex, coll: Collection) -> Any:
    """The array schema that holds the records of `coll` (the bare array, or its records member)."""
    if coll.bare_array:
        return index.get(coll.schema_pointer)
    parts = coll.records.split(".")
    node: Any = coll.properties.get(parts[0])
    for part in parts[1:]:
        node = (object_properties(index, node) or {}).get(part)
    return node


def _code_list(index: SpecIndex, op: Operation, array: Any) -> str | None:
    """Why the list `array` is a code list (its items a code and a label, every member a scalar, and
    the operation named for reference data or the items no more than code, label and two more), or None.
    An item with an id beside its code, a date-time, or nested objects or arrays is a record."""
    node = index.resolve(array)
    items = object_properties(index, node.get("items")) if isinstance(node, dict) else None
    if not items:
        return None
    names = {normalise(n): n for n in items if isinstance(n, str)}
    code = next((names[k] for k in names if k in _CODE_NAMES or k.endswith("code")), None)
    label = next((names[k] for k in names if k in _LABEL_NAMES and names[k] != code), None)
    if code is None or label is None:
        return None
    if any(k == "id" and names[k] != code for k in names):
        return None
    for name, prop in items.items():
        sub = index.resolve(prop)
        kinds = types_of(sub) if isinstance(sub, dict) else set()
        if kinds & {"object", "array"} or (isinstance(sub, dict) and (sub.get("properties") or sub.get("items"))):
            return None
        if isinstance(sub, dict) and sub.get("format") == "date-time":
            return None
        if name not in (code, label) and not _CODE_EXTRAS.match(normalise(name)):
            return None
    named = [t for t in (op.path, op.operation_id or "", op.summary or "", *op.tags) if _CODE_LIST_WORDS.search(t)]
    if not named and len(items) > 4:
        return None
    why = f"answers a code list (reference data): its items are a code ({code}) and a label ({label})"
    return why + (f", and the operation is named for reference data ({named[0]})" if named else "") + "; a code list is not a collection of records, so paging and modification filters do not apply"


def _response_of(op: Operation, pointer: str) -> Response | None:
    """The response of `op` that the schema at `pointer` belongs to."""
    return next((r for r in op.responses if pointer.startswith(r.pointer + "/")), None)


def _at_most_one(index: SpecIndex, coll: Collection) -> tuple[str, bool] | None:
    """(why, declared) when the list holds at most one record: `maxItems` 0 or 1 on the records array
    (declared), or the response's or the array's description saying so (prose only), else None."""
    array = index.resolve(_records_schema(index, coll))
    member = coll.records or "the array"
    if isinstance(array, dict) and isinstance(array.get("maxItems"), int) and array["maxItems"] <= 1:
        return f"answers at most one record ({member} has maxItems: {array['maxItems']}), so it is a single-resource read, not a collection", True
    resp = _response_of(coll.op, coll.schema_pointer)
    texts = [resp.description if resp is not None else None, array.get("description") if isinstance(array, dict) else None]
    for text in texts:
        found = _AT_MOST_ONE.search(text) if isinstance(text, str) else None
        if found:
            start = max(0, found.start() - 40)
            quote = " ".join(text[start : found.end() + 40].split())
            return f"is documented only in prose as returning at most one record ('{quote}'), so whether it is a collection is not decided from the schema", False
    return None


def _judge(ctx: CheckContext) -> tuple[list[Collection], list[Single]]:
    """(collections, single resources with arrays) over every GET without an id at the end; cached."""
    cached = ctx.cache.get("spec.collections-judged")
    if cached is not None:
        return cached
    index = need_index(ctx)
    found: list[Collection] = []
    singles: list[Single] = []
    doubtful: list[Unread] = []
    for op in index.operations:
        segs = segments(op.path)
        if op.method != "get" or (segs and segs[-1].startswith("{")):
            continue
        single: Single | None = None
        for pointer, schema in success_json_schemas(op):
            props = object_properties(index, schema)
            if props is None:
                if is_array_schema(index, schema) and (_items_are_records(index, schema) or (segs and is_plural(segs[-1]))):
                    _sort(index, Collection(op, pointer, True, {}), found, singles, doubtful)
                    break
                continue
            records = _records_member(index, op, props)
            if records is not None:
                _sort(index, Collection(op, pointer, False, props, records), found, singles, doubtful)
                break
            arrays = [n for n, p in props.items() if isinstance(n, str) and is_array_schema(index, p)]
            if arrays and single is None:
                shown = ", ".join(arrays[:4]) + (", ..." if len(arrays) > 4 else "")
                single = Single(op, f"answers a single object: its array member(s) {shown} are parts of it, not a list of records"
                                " (no records member such as data, items or results, none named after the path, and the path is not a plural without an id)")
        else:
            if single is not None:
                singles.append(single)
    # code lists and at-most-one reads first, so their reasons are in the evidence however many singles there are
    singles.sort(key=lambda s: not s.reason.startswith(("answers a code list", "answers at most one")))
    ctx.cache["spec.collections-judged"] = (found, singles)
    ctx.cache["spec.collections-doubtful"] = doubtful
    return found, singles


def _sort(index: SpecIndex, coll: Collection, found: list[Collection], singles: list[Single], doubtful: list[Unread]) -> None:
    """File a list GET as a collection, a single resource (code list, at most one record) or undecided."""
    array = _records_schema(index, coll)
    why = _code_list(index, coll.op, array)
    if why is not None:
        singles.append(Single(coll.op, why))
        return
    one = _at_most_one(index, coll)
    if one is None:
        found.append(coll)
    elif one[1]:
        singles.append(Single(coll.op, one[0]))
    else:
        doubtful.append(Unread(coll.op, one[0]))


def collections(ctx: CheckContext) -> list[Collection]:
    """Every collection GET of the API, computed once per run and shared through `ctx.cache`."""
    cached = ctx.cache.get("spec.collections")
    if cached is None:
        cached = ctx.cache["spec.collections"] = _judge(ctx)[0]
    return cached


def single_resources(ctx: CheckContext) -> list[Single]:
    """GETs answering one object that has arrays in it, judged not to be collections (shown as evidence)."""
    return _judge(ctx)[1]


def unread_collections(ctx: CheckContext) -> list[Unread]:
    """Collection paths (`is_collection_path`) that `collections()` could not decide either way,
    because their 2xx schema is not fetched or not declared. Computed once per run."""
    cached = ctx.cache.get("spec.unread-collections")
    if cached is not None:
        return cached
    index = need_index(ctx)
    _judge(ctx)
    found: list[Unread] = list(ctx.cache.get("spec.collections-doubtful", ()))
    known = {c.op.pointer for c in collections(ctx)} | {s.op.pointer for s in single_resources(ctx)} | {u.op.pointer for u in found}
    for op in index.operations:
        if op.pointer in known or not is_collection_path(op):
            continue
        schemas = success_json_schemas(op)
        if not schemas:
            offered = [mt for resp in op.responses if is_success(resp) for mt in resp.media_types]
            if not offered or any(is_json_media(mt.name) for mt in offered):  # JSON without a schema, or nothing
                found.append(Unread(op, "its 2xx response declares no body schema"))
            continue
        hidden = sorted({uri for _, schema in schemas if (uri := _collection_unread(index, schema))})
        if hidden:
            found.append(Unread(op, f"its 2xx schema is in {', '.join(hidden)}, which was not fetched (--allow-remote-refs fetches it)"))
    ctx.cache["spec.unread-collections"] = found
    return found


def _collection_unread(index: SpecIndex, schema: Any) -> str:
    """`unread_uri`, or for a readable envelope the first member property that is not fetched."""
    hidden = unread_uri(index, schema)
    if hidden:
        return hidden
    props = object_properties(index, schema) or {}
    return next((uri for p in props.values() if (uri := unread_uri(index, p))), "")
