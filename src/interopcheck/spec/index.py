"""One index of an API description that every static check reads (vacuum's design).

Built in one walk: operations with their merged parameters, responses, media types and
schemas; named component schemas; every `$ref` site and its target. Checks ask the index,
they do not re-walk `document.data`. `resolve()` follows `$ref`s (local and beside-the-spec
files) with cycle protection, so recursive schemas simply work. A `$ref` written inside a
file beside the spec is resolved against that file (its `#/...` means that file), and a
place in such a file is named `<file URI>#<pointer>`, as `SpecDocument.remote_refs` does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from interopcheck.model import Location
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.callbacks import client_callback
from interopcheck.spec.operations import HTTP_METHODS, Operation, operations
from interopcheck.spec.pointer import at, from_fragment, join
from interopcheck.spec.refs import join_ref
from interopcheck.spec.refwalk import iter_refs


@dataclass(frozen=True)
class Target:
    """Where a `$ref` chain ends: the node (None if dangling), its document URI and pointer.

    `unfetched` is the URI of the network document the chain stopped at because it was not
    fetched (empty when the chain ended for any other reason, or did not stop).
    """

    node: Any
    uri: str
    pointer: str
    unfetched: str = ""


_MISSING = object()


@dataclass
class SpecIndex:
    """The index. `refs` maps each `$ref` site's pointer to the reference string."""

    document: SpecDocument
    version: str  # "2.0", "3.0.3", "3.1.0", ... as declared
    operations: tuple[Operation, ...]
    schemas: dict[str, str]  # component/definition name -> pointer
    refs: dict[str, str]
    #: Requests the API sends to the client, written as paths (`/<client-provided-URI>`, an
    #: `x-webhook` marker): left out of `operations`, with the reason (see `spec.callbacks`).
    callbacks: tuple[tuple[Operation, str], ...] = ()
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def data(self) -> Any:
        """The root document's parsed data."""
        return self.document.data

    @property
    def major(self) -> int:
        """2 or 3 (0 when the version is unknown)."""
        try:
            return int(self.version.split(".")[0])
        except ValueError:
            return 0

    def get(self, pointer: str) -> Any:
        """The node at `pointer` in the root document, or at `<file URI>#<pointer>` in a file
        beside the spec (as `site` names places, e.g. an operation in a `$ref`d path item), or None."""
        if pointer == "" or pointer.startswith("/"):
            return at(self.data, pointer)
        uri, hash_, inner = pointer.partition("#")
        data = self.document.externals.get(uri)
        return at(data, inner) if hash_ and data is not None else None

    @property
    def root_uri(self) -> str:
        """The root document's URI, without a fragment."""
        return self.document.base_uri.partition("#")[0]

    def site(self, uri: str, pointer: str) -> str:
        """How a place is named: a JSON pointer in the root, `<file URI>#<pointer>` elsewhere."""
        return pointer if uri == self.root_uri else f"{uri}#{pointer}"

    def base_of(self, node: Any) -> str:
        """The URI of the document `node` was read from (the root's unless it is in another file)."""
        if not self.document.externals or not isinstance(node, (dict, list)):
            return self.root_uri
        bases = self._cache.get("bases")
        if bases is None:
            bases = self._cache["bases"] = _bases(self.document.externals)
        return bases.get(id(node), self.root_uri)

    def resolve(self, node: Any, max_hops: int = 64) -> Any:
        """`node` with any `$ref` chain at its top followed; a dangling ref gives None."""
        return self.target(node, max_hops=max_hops).node

    def target(self, node: Any, base: str | None = None, max_hops: int = 64) -> Target:
        """Follow the `$ref` chain at the top of `node` (written in document `base`, found when
        not given); each `$ref` is resolved against the file it is written in."""
        uri, pointer = base or self.base_of(node), ""
        for _ in range(max_hops + 1):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return Target(node, uri, pointer)
            uri, pointer, data = self.ref_document(node["$ref"], uri)
            pointer = from_fragment(pointer)  # RFC 6901 section 6: percent-decoded, then a JSON pointer
            if data is _MISSING:
                remote = urlsplit(uri).scheme.lower() in ("http", "https")
                return Target(None, uri, pointer, uri if remote else "")
            node = at(data, pointer)
        return Target(None, uri, pointer)  # more than `max_hops` hops: a cycle

    def deref(self, ref: str) -> Any:
        """The target of a `$ref` string written in the root: local (`#/...`) or a file beside the spec."""
        return self.target({"$ref": ref}, base=self.root_uri).node

    def ref_document(self, ref: str, base: str) -> tuple[str, str, Any]:
        """(document URI, fragment as written (percent-encoded), document data or _MISSING) for `ref`
        written in document `base`."""
        target, _, fragment = ref.partition("#")
        if not target:
            uri = base
        else:
            uri = join_ref(base, target)
            externals = self.document.externals
            if uri != self.root_uri and uri not in externals:  # the suffix match is a fallback
                uri = next((u for u in externals if u == target or u.endswith("/" + target.lstrip("./"))), uri)
        if uri == self.root_uri:
            return uri, fragment, self.data
        return uri, fragment, self.document.externals.get(uri, _MISSING)

    def location(self, pointer: str) -> Location:
        """A Location for `pointer` with its line number when known; for `<file URI>#<pointer>`
        (a place in a file beside the spec) the file is named as the spec is, with its line there."""
        if pointer == "" or pointer.startswith("/") or "#" not in pointer:
            return Location(pointer=pointer, line=self.document.line_of(pointer), file=self.document.source)
        uri, _, inner = pointer.partition("#")
        return Location(pointer=inner, line=self.document.line_at(pointer), file=self._display(uri))

    def _display(self, uri: str) -> str:
        """A file beside the spec named as the spec is (a relative source gives a relative path)."""
        parts = urlsplit(uri)
        root = urlsplit(self.root_uri)
        if parts.scheme != "file" or root.scheme != "file" or "://" in self.document.source:
            return uri
        rel = os.path.relpath(unquote(parts.path), os.path.dirname(unquote(root.path)))
        return os.path.normpath(os.path.join(os.path.dirname(self.document.source), rel))

    def find_operation(self, ref: str) -> Operation | None:
        """The operation `ref` names: an operationId, or "METHOD /path" (method in any case).

        An operationId that is itself written "METHOD /path" is still found when no operation
        has that method and path. The lookup tables are built once, on first use.
        """
        tables = self._cache.get("operation_lookup")
        if tables is None:
            by_id: dict[str, Operation] = {}
            by_key: dict[tuple[str, str], Operation] = {}
            for op in self.operations:
                if op.operation_id is not None:
                    by_id.setdefault(op.operation_id, op)
                by_key.setdefault((op.method, op.path), op)
            tables = self._cache["operation_lookup"] = (by_id, by_key)
        by_id, by_key = tables
        wanted = ref.strip()
        parts = wanted.split(None, 1)
        if len(parts) == 2 and parts[0].lower() in HTTP_METHODS and parts[1].startswith("/"):
            found = by_key.get((parts[0].lower(), parts[1].strip()))
            if found is not None:
                return found
        return by_id.get(wanted)

    def schema_nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every schema object of the description, once each, as (pointer, schema).

        Walks component schemas and the inline schemas of parameters, bodies and responses,
        descending through properties, items, allOf/anyOf/oneOf and additionalProperties.
        A `$ref` within the root is not followed (its target is visited where it is defined);
        one into a file beside the spec is, and that file's schemas are named
        `<file URI>#<pointer>`. Network documents that were not fetched are not walked.
        """
        cached = self._cache.get("schema_nodes")
        if cached is None:
            cached = list(_walk_schemas(self))
            self._cache["schema_nodes"] = cached
        return iter(cached)


_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_SINGLE = ("items", "additionalProperties", "not", "contains")


def _bases(externals: dict[str, Any]) -> dict[int, str]:
    """id() of every object and array of each file beside the spec -> that file's URI."""
    out: dict[int, str] = {}
    for uri, data in externals.items():
        stack = [data]
        while stack:
            node = stack.pop()
            if id(node) in out:
                continue
            out[id(node)] = uri
            children = node.values() if isinstance(node, dict) else node
            stack += [c for c in children if isinstance(c, (dict, list))]
    return out


def _walk_schemas(index: SpecIndex) -> Iterator[tuple[str, dict[str, Any]]]:
    roots: list[tuple[str, Any]] = [(ptr, index.get(ptr)) for ptr in index.schemas.values()]
    for op in index.operations:
        roots += [(p.pointer + "/schema", p.schema) for p in op.parameters if p.pointer.startswith(op.pointer)]
        roots += [(m.pointer + "/schema", m.schema) for m in op.request_body]
        for resp in op.responses:
            roots += [(m.pointer + "/schema", m.schema) for m in resp.media_types]
    seen: set[str] = set()
    stack = list(reversed(roots))
    while stack:
        pointer, schema = stack.pop()
        if not isinstance(schema, dict) or pointer in seen:
            continue
        seen.add(pointer)
        if "$ref" in schema:
            target = index.target(schema)
            if target.uri != index.root_uri and isinstance(target.node, dict):
                stack.append((index.site(target.uri, target.pointer), target.node))
            continue
        yield pointer, schema
        props = schema.get("properties")
        if isinstance(props, dict):
            stack += [(join(pointer, "properties", k), v) for k, v in props.items()]
        for key in _SUBSCHEMA_LISTS:
            items = schema.get(key)
            if isinstance(items, list):
                stack += [(join(pointer, key, i), v) for i, v in enumerate(items)]
        for key in _SUBSCHEMA_SINGLE:
            if isinstance(schema.get(key), dict):
                stack.append((join(pointer, key), schema[key]))


def build_index(document: SpecDocument) -> SpecIndex:
    """Index `document` in one pass: operations, component schemas and every `$ref` site.

    Tolerant of broken documents (a spec that fails validation is still indexed as far as
    it goes), so the other checks can run on it.
    """
    data = document.data if isinstance(document.data, dict) else {}
    version = str(data.get("openapi") or data.get("swagger") or "")
    probe = SpecIndex(document, version, (), {}, {})
    schemas: dict[str, str] = {}
    if probe.major == 2:
        defs = data.get("definitions")
        if isinstance(defs, dict):
            schemas = {name: join("/definitions", name) for name in defs}
    else:
        comps = data.get("components")
        found = comps.get("schemas") if isinstance(comps, dict) else None
        if isinstance(found, dict):
            schemas = {name: join("/components/schemas", name) for name in found}
    probe.schemas = schemas
    probe.refs = _collect_refs(data)
    own: list[Operation] = []
    callbacks: list[tuple[Operation, str]] = []
    for op in operations(probe, data):
        why = client_callback(probe, op)
        if why is None:
            own.append(op)
        else:
            callbacks.append((op, why))
    probe.operations = tuple(own)
    probe.callbacks = tuple(callbacks)
    return probe


def _collect_refs(data: Any) -> dict[str, str]:
    """Every reference of the root by its site; `$ref` members of example and default values are
    data, not references (`refwalk`)."""
    return dict(iter_refs(data))
