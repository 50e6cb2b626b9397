"""Where an API description's `$ref`s are: every Reference Object and schema `$ref`, and no `$ref`
member of data.

Example and default values are data, not references: `example`, `default`, `const` and `enum`
values, the `value` of an Example Object, JSON Schema `examples` arrays and Swagger 2.0 response
`examples` can hold any JSON, a `{"$ref": ...}` object included (a stored JSON Schema, a HAL link).
Following one would read or fetch a document the description never referenced, and one that does
not exist would be reported as a broken reference. OpenAPI 3.0.3 section 4.7.20 (Example Object):
"value: Embedded literal example"; JSON Schema 2020-12 section 9.5: `default` and `examples` are
annotations whose values are instances, not schemas. An `examples` map's entries may themselves be
Reference Objects (`{$ref: '#/components/examples/X'}`): those are followed.

The keys of name maps (`properties`, `components/schemas`, `paths`, `headers`...) are names, never
keywords, so a property called `example` or `default` is still walked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: Keywords whose value is data (an instance), never a schema or a reference.
DATA_KEYWORDS = frozenset({"example", "default", "const", "enum"})
#: Keywords whose value is a map from names (chosen by the author) to objects.
NAME_MAPS = frozenset({
    "properties", "patternProperties", "definitions", "$defs", "dependentSchemas", "paths", "webhooks",
    "schemas", "responses", "parameters", "requestBodies", "headers", "securitySchemes", "securityDefinitions",
    "links", "callbacks", "pathItems", "encoding", "content", "variables",
})


def _esc(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def iter_refs(data: Any, *, swagger2: bool | None = None) -> Iterator[tuple[str, str]]:
    """Every `$ref` string of `data` that is a reference, as (pointer of the object holding it, reference).

    `swagger2` says whether `data` belongs to a Swagger 2.0 description (whose response `examples`
    map media types straight to data); by default it is read from `data` itself.
    """
    for pointer, ref in _walk(data, swagger2):
        if ref is not None:
            yield pointer, ref


def data_refs(data: Any, *, swagger2: bool | None = None) -> Iterator[str]:
    """The pointer of every object inside an example or default value that has a `$ref` member:
    data that a validator must not try to resolve."""
    for pointer, ref in _walk(data, swagger2):
        if ref is not None:
            continue
        stack = [(pointer, at_pointer(data, pointer))]
        while stack:
            here, node = stack.pop()
            if isinstance(node, dict):
                if "$ref" in node:
                    yield here
                stack += [(f"{here}/{_esc(k)}", v) for k, v in node.items() if isinstance(v, (dict, list))]
            elif isinstance(node, list):
                stack += [(f"{here}/{i}", v) for i, v in enumerate(node) if isinstance(v, (dict, list))]


def at_pointer(data: Any, pointer: str) -> Any:
    """The node at an (unescaped-token) JSON pointer built by this module."""
    node = data
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _walk(data: Any, swagger2: bool | None) -> Iterator[tuple[str, str | None]]:
    """(site, reference) of every reference, and (pointer, None) of every data value skipped."""
    if swagger2 is None:
        swagger2 = isinstance(data, dict) and "swagger" in data and "openapi" not in data
    stack: list[tuple[str, Any, bool]] = [("", data, False)]  # (pointer, node, its keys are names)
    while stack:
        pointer, node, names = stack.pop()
        if isinstance(node, list):
            stack += [(f"{pointer}/{i}", v, False) for i, v in enumerate(node) if isinstance(v, (dict, list))]
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and not names:
            yield pointer, ref
        for key, value in node.items():
            if not isinstance(value, (dict, list)):
                continue
            child = f"{pointer}/{_esc(key)}"
            if names:
                stack.append((child, value, False))
            elif key in DATA_KEYWORDS:
                yield child, None
            elif key == "examples":
                if isinstance(value, dict) and not swagger2:  # name -> Example Object or Reference Object
                    for name, entry in value.items():
                        if isinstance(entry, dict) and isinstance(entry.get("$ref"), str):
                            yield f"{child}/{_esc(name)}", entry["$ref"]
                        elif isinstance(entry, dict) and isinstance(entry.get("value"), (dict, list)):
                            yield f"{child}/{_esc(name)}/value", None
                else:  # a JSON Schema `examples` array, a Swagger 2.0 example: data
                    yield child, None
            else:
                stack.append((child, value, key in NAME_MAPS and isinstance(value, dict)))


def in_extension(pointer: str) -> bool:
    """Whether `pointer` (a site, maybe `<file URI>#<pointer>`) lies inside a specification extension
    (`x-...`), whose value OpenAPI leaves free-form: a `$ref` there (Redocly's `x-codeSamples` source
    files) is no Reference Object, so a broken one is not an invalid description."""
    tokens = pointer.partition("#")[2].split("/") if "#" in pointer else pointer.split("/")
    return any(t.startswith("x-") and (i == 0 or tokens[i - 1] not in NAME_MAPS) for i, t in enumerate(tokens))
