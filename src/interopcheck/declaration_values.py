"""Check the declaration's value maps and constants against the standard's code lists (`check_value_maps`).

A value map target or constant that is not a code of the standard field's code list would turn
every mapped record invalid; the engine calls this right after loading the declaration and the
standards, so the run stops with exit code 2, the file and line, and the codes meant. A field without
a code list is checked against its JSON type only. Code lists are the run's (narrowed to its
standards year by the registry), read through `registry.fields(entity)[pointer].enum`.
"""

from __future__ import annotations

import difflib
from typing import Any
from urllib.parse import urldefrag, urljoin

from interopcheck.declaration import Declaration, FieldRule
from interopcheck.errors import DeclarationError, StandardsError
from interopcheck.resources import display_path

_JSON_TYPE = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


def _json_type(value: Any) -> str:
    return _JSON_TYPE.get(value.__class__, "object")


def _fits_type(value: Any, types: tuple[str, ...]) -> bool:
    """Whether `value` is of one of the JSON `types` (an integer is also a number)."""
    kind = _json_type(value)
    return not types or kind in types or (kind == "integer" and "number" in types)


def _is_code(value: Any, enum: tuple[Any, ...]) -> bool:
    """Whether `value` is one of the codes, with its type: 4 is not "4", true is not 1."""
    return any(value == code and _json_type(value) == _json_type(code) for code in enum)


def code_labels(standards: Any, entity: str, pointer: str) -> dict[str, Any]:
    """Label -> code of the code list at `pointer` of `entity` (x-codes, or the older x-labels); empty when none is found."""
    by_id: dict[str, Any] = getattr(standards, "_by_id", {})
    try:
        node: Any = standards.schema(entity)
    except StandardsError:
        return {}
    base = node.get("$id", "")
    for token in [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]] + [None]:
        node, base = _deref(node, base, by_id)
        if token is None:
            break
        branches = [node, *node.get("allOf", []), *node.get("anyOf", []), *node.get("oneOf", [])] if isinstance(node, dict) else []
        found = None
        for branch in branches:
            branch, branch_base = _deref(branch, base, by_id)
            props = branch.get("properties", {}) if isinstance(branch, dict) else {}
            if token in props:
                found, base = props[token], branch_base
                break
        if found is None:
            return {}
        node = found
    return _labels_in(node, base, by_id, 0)


def _labels_in(node: Any, base: str, by_id: dict[str, Any], depth: int) -> dict[str, Any]:
    """Label -> code in the code list `node` is, or its anyOf/oneOf branches or array items are."""
    node, base = _deref(node, base, by_id)
    if not isinstance(node, dict) or depth > 4:
        return {}
    labels = {str(c["label"]): c["code"] for c in node.get("x-codes", []) if isinstance(c, dict) and "label" in c and "code" in c}
    labels.update({str(label): code for code, label in (node.get("x-labels") or {}).items()})
    for branch in [*node.get("anyOf", []), *node.get("oneOf", []), *([node["items"]] if isinstance(node.get("items"), dict) else [])]:
        labels.update(_labels_in(branch, base, by_id, depth + 1))
    return labels


def _deref(node: Any, base: str, by_id: dict[str, Any]) -> tuple[Any, str]:
    """`node` with its `$ref` (to a bundled file) followed, and the base URI it resolves against."""
    for _ in range(10):
        if not isinstance(node, dict) or "$ref" not in node:
            return node, base
        uri, fragment = urldefrag(urljoin(base, node["$ref"]))
        target: Any = by_id.get(uri)
        for raw in fragment.split("/")[1:] if fragment else ():
            target = target.get(raw.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        if target is None:
            return {}, base
        node, base = target, uri
    return node, base


def _suggest(value: Any, enum: tuple[Any, ...], labels: dict[str, Any]) -> str:
    """`; did you mean 4 ('Assured Shorthold Tenancy ...')?` from the codes and labels closest to `value`."""
    text = str(value)
    by_text = {str(code): code for code in enum}
    label_of = {repr(code): label for label, code in labels.items()}
    picks = [by_text[t] for t in difflib.get_close_matches(text, list(by_text), n=2, cutoff=0.6)]
    picks += [labels[t] for t in difflib.get_close_matches(text, list(labels), n=2, cutoff=0.6)]
    picks += [code for label, code in labels.items() if text.lower() in label.lower() and len(text) >= 2]
    picks = [p for p in dict.fromkeys(repr(p) for p in picks)][:3]
    if not picks:
        return ""
    shown = [f"{p} ({label_of[p]!r})" if p in label_of else p for p in picks]
    return "; did you mean " + " or ".join(shown) + "?"


def check_value_maps(declaration: Declaration, standards: Any) -> None:
    """Raise `DeclarationError` (file:line, field, the bad code, did you mean) for the first value map target or
    constant that is not a code of its standard field's code list, or not of the field's JSON type.

    Fields the standard does not have are left to `data.declaration-valid`; a `boolean` map with a
    field of another type is judged like any map. An entity without a standard schema is skipped.
    """
    for entity, mapping in declaration.entities.items():
        if not mapping.rules:
            continue
        try:
            known = standards.fields(entity)
        except StandardsError:
            continue
        for pointer, rule in mapping.rules.items():
            spec = known.get(pointer)
            if spec is None:
                continue
            for key, target, path in _targets(rule):
                problem = _problem(target, spec, standards, entity, pointer)
                if problem is None:
                    continue
                line = declaration.line_of(["entities", entity, "fields", pointer, *path])
                where = f"{display_path(declaration.source)}:{line}" if line is not None else display_path(declaration.source)
                what = f"the constant {target!r}" if key is None else f"the value map sends {key!r} to {target!r}, which"
                raise DeclarationError(f"{where}: {entity} {pointer}: {what} {problem}",
                                       hint="map each supplier value to a code of the standard's code list (docs/CONTRACTS.md)")


def _targets(rule: FieldRule) -> list[tuple[Any, Any, list[str | int]]]:
    """(map key or None for the constant, the standard value given, its path in the entry)."""
    if rule.has_constant:
        return [(None, rule.constant, ["constant"])]
    return [(key, target, ["values", str(key)]) for key, target in rule.values]


def _problem(target: Any, spec: Any, standards: Any, entity: str, pointer: str) -> str | None:
    """Why `target` cannot be a value of the standard field `spec`, or None."""
    if target is None and spec.nullable:
        return None
    enum = spec.enum if spec.enum is not None else (spec.items.enum if spec.items is not None and "array" in spec.type else None)
    if enum is not None:
        if _is_code(target, tuple(enum)):
            return None
        suggestion = _suggest(target, tuple(enum), code_labels(standards, entity, pointer))
        return f"is not a code of the field's code list{suggestion}"
    if _fits_type(target, tuple(t for t in spec.type)):
        return None
    return f"is a {_json_type(target)}, but the field is {' or '.join(spec.type)}"
