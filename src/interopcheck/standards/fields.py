"""Flatten a standard schema into JSON pointer -> FieldSpec, and compare a supplier's schema to one.

The data-mapping checks need "which fields must a record carry, of what type and format",
not the schema's structure; this resolves `$ref`s (within the bundled files only), unions
`anyOf`/`oneOf` branches and records each object property under its pointer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urldefrag

from interopcheck.errors import StandardsError

JSON_TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")
#: Formats whose absence or change in a supplier's schema breaks the standard (dates above all).
STRICT_FORMATS = frozenset({"date", "date-time"})


@dataclass(frozen=True)
class FieldSpec:
    """One standard field: its JSON types, format, whether a record must carry it, its code list.

    `required` is true only when the field and every object above it are required.
    `leaf` is false for objects whose own properties are listed separately.
    """

    type: tuple[str, ...]
    format: str | None = None
    required: bool = False
    enum: tuple[Any, ...] | None = None
    leaf: bool = True
    items: FieldSpec | None = None

    @property
    def nullable(self) -> bool:
        """Whether the standard allows null here."""
        return "null" in self.type


@dataclass
class _Summary:
    types: set[str]
    format: str | None
    enum: list[Any] | None
    properties: dict[str, tuple[Any, str]]
    required: set[str]
    items: tuple[Any, str] | None


def _deref(ref: str, base: str, by_id: dict[str, Any]) -> tuple[Any, str]:
    target = urljoin(base, ref)
    uri, fragment = urldefrag(target)
    doc = by_id.get(uri)
    if doc is None:
        raise StandardsError(f"$ref {ref!r} (from {base}) is not a bundled standard")
    node: Any = doc
    for raw in fragment.split("/")[1:] if fragment else ():
        token = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or token not in node:
            raise StandardsError(f"$ref {target} points at nothing")
        node = node[token]
    return node, uri


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string" if isinstance(value, str) else "object" if isinstance(value, dict) else "array"


def _summarise(node: Any, base: str, by_id: dict[str, Any], depth: int = 0) -> _Summary:
    if depth > 32:
        raise StandardsError(f"$ref chain too deep near {base}")
    out = _Summary(set(), None, None, {}, set(), None)
    if not isinstance(node, dict):
        return out
    if isinstance(node.get("$id"), str):
        base = urljoin(base, node["$id"])
    if isinstance(node.get("$ref"), str):
        target, target_base = _deref(node["$ref"], base, by_id)
        _merge(out, _summarise(target, target_base, by_id, depth + 1))
    declared = node.get("type")
    if isinstance(declared, str):
        out.types.add(declared)
    elif isinstance(declared, list):
        out.types.update(t for t in declared if isinstance(t, str))
    if isinstance(node.get("format"), str):
        out.format = node["format"]
    if "const" in node:
        out.enum = [node["const"]]
        out.types.add(_type_of(node["const"]))
    if isinstance(node.get("enum"), list):
        out.enum = list(node["enum"])
        if not declared:
            out.types.update(_type_of(v) for v in node["enum"])
    if isinstance(node.get("properties"), dict):
        out.properties.update({k: (v, base) for k, v in node["properties"].items()})
    if isinstance(node.get("required"), list):
        out.required.update(r for r in node["required"] if isinstance(r, str))
    if isinstance(node.get("items"), dict):
        out.items = (node["items"], base)
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if isinstance(branches, list):
            parts = [_summarise(b, base, by_id, depth + 1) for b in branches]
            _merge(out, _union(parts))
    for branch in node.get("allOf") or ():
        _merge(out, _summarise(branch, base, by_id, depth + 1))
    return out


def _union(parts: list[_Summary]) -> _Summary:
    """anyOf/oneOf: any branch's types; an enum only when every non-null branch has one."""
    out = _Summary(set(), None, None, {}, set(), None)
    enums: list[Any] = []
    enum_everywhere = True
    for part in parts:
        out.types |= part.types
        out.format = out.format or part.format
        out.properties.update(part.properties)
        out.items = out.items or part.items
        if part.types == {"null"}:
            continue
        if part.enum is None:
            enum_everywhere = False
        else:
            enums += [v for v in part.enum if v not in enums]
    out.enum = enums if enum_everywhere and enums else None
    return out


def _merge(into: _Summary, other: _Summary) -> None:
    into.types |= other.types
    into.format = into.format or other.format
    into.enum = into.enum if into.enum is not None else other.enum
    into.properties.update(other.properties)
    into.required |= other.required
    into.items = into.items or other.items


def _spec(summary: _Summary, required: bool, by_id: dict[str, Any]) -> FieldSpec:
    items = None
    if summary.items is not None:
        items = _spec(_summarise(summary.items[0], summary.items[1], by_id), False, by_id)
    ordered = tuple(t for t in JSON_TYPES if t in summary.types)
    return FieldSpec(
        type=ordered,
        format=summary.format,
        required=required,
        enum=tuple(summary.enum) if summary.enum is not None else None,
        leaf=not summary.properties,
        items=items,
    )


def flatten(schema: dict[str, Any], by_id: dict[str, Any]) -> dict[str, FieldSpec]:
    """Every property of `schema`, nested objects included, as pointer -> FieldSpec.

    Array items are described by `FieldSpec.items`, not flattened (a mapping names the array).
    """
    out: dict[str, FieldSpec] = {}
    stack: list[tuple[str, Any, str, bool]] = [("", schema, schema.get("$id", ""), True)]
    while stack:
        pointer, node, base, required = stack.pop()
        summary = _summarise(node, base, by_id)
        if pointer:
            out[pointer] = _spec(summary, required, by_id)
        for name, (child, child_base) in summary.properties.items():
            child_ptr = pointer + "/" + name.replace("~", "~0").replace("/", "~1")
            stack.append((child_ptr, child, child_base, required and name in summary.required))
    return dict(sorted(out.items()))


# --- comparing a supplier's (OpenAPI) schema with a standard field --------------------------

Resolver = Callable[[Any], Any]


@dataclass(frozen=True)
class SupplierType:
    """What a supplier's OpenAPI schema says about a value: JSON types, format, nullability, enum."""

    types: frozenset[str]
    format: str | None
    enum: tuple[Any, ...] | None


def supplier_type(schema: Any, resolve: Resolver | None = None, depth: int = 0) -> SupplierType:
    """Read types/format/enum from an OpenAPI 2/3.0/3.1 schema (3.0 `nullable`, 3.1 type lists)."""
    resolve = resolve or (lambda node: node)
    node = resolve(schema)
    if not isinstance(node, dict) or depth > 16:
        return SupplierType(frozenset(), None, None)
    types: set[str] = set()
    declared = node.get("type")
    if isinstance(declared, str):
        types.add(declared)
    elif isinstance(declared, list):
        types.update(t for t in declared if isinstance(t, str))
    if node.get("nullable") is True or node.get("x-nullable") is True:
        types.add("null")
    fmt = node.get("format") if isinstance(node.get("format"), str) else None
    enum = tuple(node["enum"]) if isinstance(node.get("enum"), list) else None
    if "const" in node:
        enum = (node["const"],)
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(key) or ():
            sub = supplier_type(branch, resolve, depth + 1)
            types |= sub.types
            fmt = fmt or sub.format
            if enum is None and sub.enum is not None and key == "allOf":
                enum = sub.enum
    if enum is not None and not types:
        types.update(_type_of(v) for v in enum)
    return SupplierType(frozenset(types), fmt, enum)


def incompatibility(supplier: SupplierType, spec: FieldSpec) -> str | None:
    """Why the supplier's declared type/format cannot carry the standard field, or None if it can.

    An undeclared type cannot be judged and is accepted; an integer fits a number; null is
    only acceptable where the standard allows it; dates must keep their exact format.
    """
    if not supplier.types and supplier.format is None and supplier.enum is None:
        return None  # an empty schema says nothing to compare
    wanted = set(spec.type) - {"null"}
    declared = set(supplier.types) - {"null"}
    if declared and wanted:
        accepted = wanted | ({"integer"} if "number" in wanted else set())
        wrong = sorted(declared - accepted)
        if wrong:
            return f"declared {'/'.join(sorted(declared))}, the standard needs {'/'.join(sorted(wanted))}"
    if "null" in supplier.types and not spec.nullable:
        return "declared nullable, the standard requires a value"
    if spec.format in STRICT_FORMATS and (declared <= {"string"}) and supplier.format != spec.format:
        found = f"format {supplier.format}" if supplier.format else "no format"
        return f"declared {found}, the standard needs format {spec.format}"
    return None
