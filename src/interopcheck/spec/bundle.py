"""A self-contained copy of the description for third-party tools: every `$ref` points inside it.

Schemathesis resolves a `$ref` it cannot find in the document by opening the file or URL it
names, and fetches `externalValue` examples over the network: both outside the rules the spec
stage keeps (files only inside the spec's folder, no network unless `--allow-remote-refs`). So
the live checks hand it this copy instead: the files the spec stage read are placed under
`x-interopcheck-bundled` and their references rewritten to JSON pointers into it; a reference the
spec stage did not read (refused, dangling, or a remote one not fetched) loses its `$ref`, which
leaves that part unconstrained and is listed in `unresolved`; `externalValue` examples are dropped,
and so are `$id` and `$schema`, which could point resolution at another document.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from interopcheck.spec.index import SpecIndex

BUNDLE_KEY = "x-interopcheck-bundled"
#: Schema keywords that name another document to resolve against (or fetch a meta-schema from).
_BASE_CHANGING = ("$id", "$schema")


@dataclass(frozen=True)
class Bundle:
    """The self-contained description, and what could not be kept in it."""

    data: dict[str, Any]
    unresolved: tuple[str, ...]  # each `$ref`, as written, that was dropped because the spec stage did not read it
    dropped_external_values: int = 0  # `externalValue` examples removed (never fetched)


def bundle(index: SpecIndex) -> Bundle:
    """The root document of `index` with the files it `$ref`s inlined and no reference leading out of it."""
    root_uri = index.root_uri
    names = {uri: f"f{n}" for n, uri in enumerate(sorted(index.document.externals))}
    keys = {root_uri: "", **{uri: f"/{BUNDLE_KEY}/{name}" for uri, name in names.items()}}
    data = copy.deepcopy(index.data)
    unresolved: list[str] = []
    dropped = _rewrite(data, root_uri, index, keys, unresolved)
    bundled: dict[str, Any] = {}
    for uri, name in names.items():
        bundled[name] = copy.deepcopy(index.document.externals[uri])
        dropped += _rewrite(bundled[name], uri, index, keys, unresolved)
    if bundled and isinstance(data, dict):
        data[BUNDLE_KEY] = bundled
    return Bundle(data, tuple(dict.fromkeys(unresolved)), dropped)


def _rewrite(node: Any, doc_uri: str, index: SpecIndex, keys: dict[str, str], unresolved: list[str]) -> int:
    """Rewrite, in place, every `$ref` in `node` (written in document `doc_uri`) to a pointer into the
    bundle, dropping those that lead nowhere the spec stage read; returns the `externalValue`s removed."""
    dropped = 0
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                target = _bundled_ref(ref, doc_uri, index, keys)
                if target is None:
                    unresolved.append(ref)
                    del current["$ref"]
                else:
                    current["$ref"] = target
            if isinstance(current.get("externalValue"), str):
                del current["externalValue"]
                dropped += 1
            for key in _BASE_CHANGING:  # a new base URI would send even `#...` refs to another document
                if isinstance(current.get(key), str):
                    del current[key]
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))
    return dropped


def _bundled_ref(ref: str, doc_uri: str, index: SpecIndex, keys: dict[str, str]) -> str | None:
    """`ref` (written in `doc_uri`) as a local pointer into the bundle, or None when its document was not read."""
    if ref.startswith("#") and doc_uri == index.root_uri:
        return ref  # already local to the root, anchors included
    try:
        uri, fragment, _ = index.ref_document(ref, doc_uri)
    except ValueError:  # a reference that is no URI at all (`http://[oops`)
        return None
    prefix = keys.get(uri)
    if prefix is None:
        return None
    if fragment and not fragment.startswith("/"):
        return None  # a plain-name fragment (an anchor) cannot be re-rooted: left out rather than misread
    return f"#{prefix}{fragment}"
