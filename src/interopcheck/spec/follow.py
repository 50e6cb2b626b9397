"""Following `$ref`s across the loaded documents of a description, for validation.

A path item (`paths: {/x: {$ref: 'paths/x.yaml'}}`) and, as bundlers accept it, an operation
(`get: {$ref: 'operations/list.yaml'}`) may live in another file. Validation must read them where
they are and place each error there: a validator reports errors by their path through the root
(`/paths/~1x/post`), which `through_refs` turns into the place in the file that holds it
(`file:///.../paths/x.yaml#/post`). A place is named as `SpecIndex.site` names it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from interopcheck.spec.document import SpecDocument
from interopcheck.spec.pointer import at, from_fragment, join
from interopcheck.spec.refs import join_ref
from interopcheck.spec.refwalk import iter_refs

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
MAX_HOPS = 64


@dataclass(frozen=True)
class Place:
    """A node and where it is: its document's URI and its JSON pointer there (None node: not found)."""

    uri: str
    pointer: str
    node: Any


def root_uri(document: SpecDocument) -> str:
    """The root document's URI without a fragment."""
    return document.base_uri.partition("#")[0]


def site(document: SpecDocument, uri: str, pointer: str) -> str:
    """A pointer in the root, `<file URI>#<pointer>` elsewhere."""
    return pointer if uri == root_uri(document) else f"{uri}#{pointer}"


def follow(document: SpecDocument, place: Place) -> Place:
    """`place` with the `$ref` chain at its node followed (each `$ref` read against the file it is in)."""
    root = root_uri(document)
    for _ in range(MAX_HOPS):
        node = place.node
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return place
        target, _, fragment = node["$ref"].partition("#")
        uri = join_ref(place.uri, target) if target else place.uri
        data = document.data if uri == root else document.externals.get(uri)
        pointer = from_fragment(fragment)
        if data is None or (pointer and not pointer.startswith("/")):
            return Place(uri, pointer, None)
        place = Place(uri, pointer, at(data, pointer))
    return Place(place.uri, place.pointer, None)


def path_operations(document: SpecDocument) -> Iterator[tuple[str, Place]]:
    """(pointer of the operation in the root, where it is written) for every operation, path item
    and operation `$ref`s followed."""
    paths = document.data.get("paths") if isinstance(document.data, dict) else None
    if not isinstance(paths, dict):
        return
    root = root_uri(document)
    for path, raw in paths.items():
        item = follow(document, Place(root, join("/paths", path), raw))
        if not isinstance(item.node, dict):
            continue
        for method in HTTP_METHODS:
            if method in item.node:
                op = follow(document, Place(item.uri, join(item.pointer, method), item.node[method]))
                if isinstance(op.node, dict):
                    yield join("/paths", path, method), op


def through_refs(document: SpecDocument, pointer: str, follow_last: bool = False) -> str | None:
    """Where the node a validator names by its path through the root (`pointer`) is written, following
    every `$ref` on the way (and the one at the end when `follow_last`); None when it is not there."""
    root = root_uri(document)
    place = Place(root, "", document.data)
    for raw in pointer.split("/")[1:] if pointer else ():
        place = follow(document, place)
        token = raw.replace("~1", "/").replace("~0", "~")
        node = place.node
        if isinstance(node, dict) and token in node:
            child = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            child = node[int(token)]
        else:
            return None
        place = Place(place.uri, join(place.pointer, token), child)
    if follow_last:
        place = follow(document, place)
        if place.node is None:
            return None
    return site(document, place.uri, place.pointer)


def _absolute(node: Any, uri: str, swagger2: bool) -> Any:
    """A copy of `node` (written in document `uri`) with every `$ref` made absolute, so it means the
    same wherever it is placed (`#/components/x` -> `file:///.../ops/list.yaml#/components/x`)."""
    out = copy.deepcopy(node)
    for pointer, ref in list(iter_refs(out, swagger2=swagger2)):
        holder = at(out, pointer)
        if isinstance(holder, dict):
            target, hash_, fragment = ref.partition("#")
            holder["$ref"] = (join_ref(uri, target) if target else uri) + hash_ + fragment
    return out


def inline_operations(document: SpecDocument, data: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """`data` (the root, maybe already stubbed) with each path item and operation written as a `$ref`
    replaced by what it names, its own `$ref`s made absolute; and the root pointers replaced.

    The validators' schema pass does not look through such a `$ref`, so a path item or operation in
    another file would go unchecked (and OpenAPI has no Reference Object for an operation, which
    bundlers such as swagger-cli and Redocly resolve as JSON Reference does): each is validated as
    written in its file, and `through_refs` places its errors there.
    """
    swagger2 = "swagger" in data and "openapi" not in data
    root = root_uri(document)
    paths = data.get("paths")
    if not isinstance(paths, dict):
        return data, set()
    replaced: set[str] = set()
    new_paths = dict(paths)
    for path, raw in paths.items():
        item_pointer = join("/paths", path)
        item = follow(document, Place(root, item_pointer, raw))
        if not isinstance(item.node, dict):
            continue
        node = item.node
        if node is not raw:  # a path item $ref
            node = raw if item.uri == root else _absolute(node, item.uri, swagger2)
            if node is raw:
                continue  # a $ref within the root: the validators follow it
            replaced.add(item_pointer)
        for method in HTTP_METHODS:
            written = node.get(method)
            if not (isinstance(written, dict) and isinstance(written.get("$ref"), str)):
                continue
            op = follow(document, Place(item.uri, join(item.pointer, method), item.node.get(method)))
            if not isinstance(op.node, dict):
                continue
            node = dict(node) if node is raw else node
            node[method] = op.node if op.uri == root else _absolute(op.node, op.uri, swagger2)
            replaced.add(join(item_pointer, method))
        if node is not raw:
            new_paths[path] = node
    if not replaced:
        return data, set()
    return {**data, "paths": new_paths}, replaced
