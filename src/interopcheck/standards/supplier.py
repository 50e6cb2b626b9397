"""Find a standard entity's operations and fields inside a supplier's indexed OpenAPI document.

The declaration names operations ("listProperties" or "GET /v1/properties") and supplier
pointers; this turns them into the response schema at that pointer (collection 2xx JSON
schema, then `records_pointer`, then `items`, then the field), following `$ref`s through
`SpecIndex.resolve`, and remembers where in the spec each schema lives for findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation
from interopcheck.spec.pointer import join, unescape


@dataclass(frozen=True)
class Located:
    """A schema node and the JSON pointer in the spec where it is written."""

    schema: Any
    pointer: str


def find_operation(index: SpecIndex, ref: str) -> Operation | None:
    """The operation `ref` names (`SpecIndex.find_operation`; kept for `checks.data_mapping`)."""
    return index.find_operation(ref)


def _resolve(index: SpecIndex, located: Located) -> Located:
    """Follow `$ref`s at the top of `located`, keeping the pointer of the local target."""
    node, pointer, hops = located.schema, located.pointer, 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 64:
        ref = node["$ref"]
        pointer = ref[1:] if ref.startswith("#") else pointer
        node = index.deref(ref)
        hops += 1
    return Located(node, pointer)


def _child(index: SpecIndex, located: Located, token: str) -> Located | None:
    """The sub-schema for one pointer token: an array's items, or a property (also inside allOf/anyOf/oneOf)."""
    here = _resolve(index, located)
    node = here.schema
    if not isinstance(node, dict):
        return None
    if (token.isdigit() or token == "-") and isinstance(node.get("items"), dict):
        return Located(node["items"], join(here.pointer, "items"))
    props = node.get("properties")
    if isinstance(props, dict) and token in props:
        return Located(props[token], join(here.pointer, "properties", token))
    for key in ("allOf", "anyOf", "oneOf"):
        branches = node.get(key)
        if isinstance(branches, list):
            for i, branch in enumerate(branches):
                found = _child(index, Located(branch, join(here.pointer, key, i)), token)
                if found is not None:
                    return found
    return None


def descend(index: SpecIndex, located: Located, pointer: str) -> Located | None:
    """The schema at JSON `pointer` below `located` (a pointer into instances, not into the schema)."""
    current: Located | None = located
    for raw in pointer.split("/")[1:] if pointer not in ("", "/") else ():
        if current is None:
            return None
        current = _child(index, current, unescape(raw))
    return _resolve(index, current) if current is not None else None


def response_schema(op: Operation) -> Located | None:
    """The schema of the operation's first 2xx JSON response, as written."""
    for response in sorted(op.responses, key=lambda r: r.status):
        if not response.status.startswith("2"):
            continue
        for media in response.media_types:
            if "json" in media.name.lower() and media.schema is not None:
                return Located(media.schema, media.pointer + "/schema")
    return None


def record_schema(index: SpecIndex, op: Operation, records_pointer: str | None) -> tuple[Located | None, str]:
    """The schema of one record served by a collection operation, or None and why not."""
    top = response_schema(op)
    if top is None:
        return None, f"{op.key} documents no 2xx JSON response schema"
    page = descend(index, top, records_pointer or "")
    if page is None or not isinstance(page.schema, dict):
        return None, f"{op.key}'s response has nothing at records_pointer {records_pointer!r}"
    items = page.schema.get("items")
    if page.schema.get("type") == "array" or isinstance(items, dict):
        if not isinstance(items, dict):
            return None, f"{op.key}'s records array at {records_pointer!r} has no items schema"
        return _resolve(index, Located(items, join(page.pointer, "items"))), ""
    return None, f"{op.key}'s response at records_pointer {records_pointer!r} is not an array"
