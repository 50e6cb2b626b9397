"""Static checks on collections and writes: pagination, modification-time filters, declared write
operations (HSG-API-13/15, HSG-DATA-10). Which GETs are collections is decided in `spec_lists`
from the response schema and the path; single resources are listed as evidence, never judged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, not_applicable, passed, skipped
from interopcheck.checks.spec_lists import Collection, Unread, collections, single_resources, unread_collections
from interopcheck.checks.spec_shapes import (
    FAMILY,
    Problem,
    decide,
    find_operation,
    need_index,
    normalise,
    note,
    object_properties,
    query_names,
    types_of,
)
from interopcheck.model import Finding, Status
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation

#: Normalised query-parameter names that page through a collection, whatever their type:
#: `page`/`per_page`, `page[number]`/`page[size]`, `offset`/`limit`, SCIM `startIndex`, cursors
#: (`cursor`, `after`, `before`, `continuation`), page tokens, OData `$skip`/`$top`/`$skiptoken`,
#: OpenStack `marker`, Twitter-style `since_id`/`max_id`.
_PAGING_PARAMS = frozenset(
    {
        "page", "limit", "cursor", "offset", "perpage", "pagesize", "after", "before", "pagetoken",
        "pagenumber", "startingafter", "endingbefore", "skip", "top", "size", "continuationtoken",
        "nextpagetoken", "maxresults", "first", "pagecursor", "pageafter", "pagebefore",
        "startindex", "continuation", "skiptoken", "marker", "nexttoken", "nextcursor", "sinceid",
        "maxid", "itemsperpage", "startafter", "startkey", "exclusivestartkey", "pagekey",
    }
)
#: Names that page only when they are integers: SCIM's `count` (with `startIndex`), Solr's
#: `start`/`rows` (a `count=true` flag or a `start` date is not paging).
_INTEGER_PAGING_PARAMS = frozenset({"count", "start", "rows"})
#: Request or response header names (normalised, `x` prefix dropped) that carry a page token.
_PAGING_HEADER = re.compile(r"continuation|cursor|pagetoken|nextpage|nextlink")
#: Normalised names of envelope members that hold paging links (one level down is searched too).
_LINK_CONTAINERS = frozenset(
    {
        "links", "link", "meta", "pagination", "paging", "page", "cursor", "cursors", "pageinfo",
        "paginginfo", "paginationinfo", "pagemeta",
    }
)
#: A next link, next-page token or cursor member (`next`, `nextLink`, `@odata.nextLink`,
#: `next_page_token`, `endCursor`, `continuation`).
_NEXT_NAME = re.compile(r"^@?(odata)?next|cursor|continuation|pagetoken")
_NEXT_WORD = re.compile(r"\bnext\b", re.IGNORECASE)
_SINCE_PARAM = re.compile(
    r"^(filter)?(updated|modified|changed|lastmodified|lastupdated)(at|date|time|datetime)?"
    r"(since|after|from|gt|gte|min|start)$"
)
#: FHIR's `_lastUpdated` (with a `gt` prefix on its value) and plain `lastModified` filters.
_SINCE_WHOLE = frozenset({"since", "lastupdated", "lastmodified"})
_WRITE_METHODS = frozenset({"post", "put", "patch"})


def _header_key(name: str) -> str:
    key = normalise(name)
    return key[1:] if key.startswith("x") else key


def _paging_header(coll: Collection) -> str | None:
    """A 2xx response header that pages: `Link` (RFC 8288) or a next-page/continuation token."""
    for resp in coll.op.responses:
        if resp.status[:1] != "2":
            continue
        for header in resp.headers:
            if header.lower() == "link" or _PAGING_HEADER.search(_header_key(header)):
                return header
    return None


def _link_relations(index: SpecIndex, prop: Any) -> bool:
    """An array of link objects (`[{rel, href}]`, FHIR's `[{relation, url}]`) whose relation is
    documented to include `next` (in its enum, const or description); a links array that is only
    ever `self` does not page."""
    node = index.resolve(prop)
    if not isinstance(node, dict) or "array" not in types_of(node):
        return False
    inner = object_properties(index, node.get("items")) or {}
    for key, rel in inner.items():
        if normalise(key) not in ("rel", "relation"):
            continue
        rel_node = index.resolve(rel)
        if not isinstance(rel_node, dict):
            continue
        values = rel_node.get("enum") if isinstance(rel_node.get("enum"), list) else [rel_node.get("const")]
        texts = [str(rel_node.get("description") or ""), str(node.get("description") or "")]
        if any(isinstance(v, str) and v.lower() == "next" for v in values) or any(_NEXT_WORD.search(t) for t in texts):
            return True
    return False


def _has_next_link(index: SpecIndex, coll: Collection) -> str | None:
    """The name of a next-link or cursor member of the page envelope, if any."""
    for name, prop in coll.properties.items():
        key = normalise(name)
        if _NEXT_NAME.search(key):
            return name
        if key in _LINK_CONTAINERS:
            if _link_relations(index, prop):
                return f"{name}[].rel"
            inner = object_properties(index, prop) or {}
            for sub in inner:
                if _NEXT_NAME.search(normalise(sub)):
                    return f"{name}.{sub}"
    return None


def _paging_params(index: SpecIndex, op: Operation) -> list[str]:
    """The parameters of `op` that page: query parameters (`page`, `limit`, `cursor`, `page[size]`,
    `startIndex`, integer `count`) and request headers carrying a continuation token."""
    out = []
    for param in op.parameters:
        key = normalise(param.name)
        if param.location == "query":
            if key in _PAGING_PARAMS or key.startswith("page"):
                out.append(param.name)
            elif key in _INTEGER_PAGING_PARAMS and types_of(index.resolve(param.schema)) & {"integer", "number"}:
                out.append(param.name)
        elif param.location == "header" and _PAGING_HEADER.search(_header_key(param.name)):
            out.append(param.name)
    return out


def _since_params(op: Operation) -> list[str]:
    """The query parameters of `op` that filter by modification time (`updated_since`, `since`)."""
    return [name for key, name in query_names(op).items() if key in _SINCE_WHOLE or _SINCE_PARAM.match(key)]


def _decide_collections(
    ctx: CheckContext,
    judge: Callable[[Collection], str | None],
    fallback: Callable[[Operation], str | None],
    *,
    ok: str,
    what: str,
    bad: str,
) -> Decision:
    """Pass, fail or skip over every collection: `judge` says how a known collection meets the
    check (None: it does not); a collection path whose shape could not be read is decided by
    `fallback` from its parameters alone, or left undecided, which is a skip, never a pass."""
    index = need_index(ctx)
    found = collections(ctx)
    unread = unread_collections(ctx)
    singles = single_resources(ctx)
    shown_singles = "; ".join(s.op.key for s in singles[:5]) + ("; ..." if len(singles) > 5 else "")
    if not found and not unread:
        beside = f" ({len(singles)} GET(s) answer a single object, not a list of records: {shown_singles})" if singles else ""
        return not_applicable("no collection GET operations were found in the description" + beside)
    problems: list[Problem] = []
    evidence: list[Finding] = [note(index, f"{s.op.key} is not a collection: it {s.reason}", s.op.pointer) for s in singles[:10]]
    undecided: list[Unread] = []
    for coll in found:
        how = judge(coll)
        if how is None:
            problems.append(Problem(bad.format(op=coll.op.key), coll.op.pointer))
        else:
            evidence.append(note(index, f"{coll.op.key} {how}", coll.op.pointer))
    for item in unread:
        how = fallback(item.op)
        if how is None:
            undecided.append(item)
        else:
            why = f"its response shape was not read: {item.reason}" if item.reason.startswith("its ") else f"it {item.reason}"
            evidence.append(note(index, f"{item.op.key} {how} ({why})", item.op.pointer))
    evidence += [note(index, f"{u.op.key} looks like a collection but was not decided: {u.reason}", u.op.pointer) for u in undecided]
    open_ = f"; {len(undecided)} collection path(s) could not be decided" if undecided else ""
    if problems:
        return decide(index, problems, ok="", bad="{n} collection(s) " + what + open_, evidence=evidence[:50])
    count = len(found) + len(unread) - len(undecided)
    if undecided:
        shown = "; ".join(f"{u.op.key}: {u.reason}" for u in undecided[:5]) + ("; ..." if len(undecided) > 5 else "")
        reason = f"{len(undecided)} collection path(s) could not be decided: {shown}"
        return Decision(Status.SKIP, reason + (f"; the other {count} {ok}" if count else ""), (), tuple(evidence[:50]))
    return passed(f"all {count} collections {ok}", evidence[:50])


@check("spec.pagination", title="Collections are paginated", family=FAMILY, needs=("spec",))
def pagination(ctx: CheckContext) -> Decision:
    """Every collection GET documents a paging mechanism (HSG-API-13, after JSON:API's pagination
    links and RFC 8288's `Link` header): paging query parameters (`page`/`per_page`,
    `page[number]`/`page[size]`, `offset`/`limit`, SCIM `startIndex`/`count`, cursors such as
    `cursor`, `after`, `before`, `continuation`, page tokens), a continuation request header, a
    `Link` or next-page response header, or a next link or cursor in the response body. What a
    collection is comes from `spec_lists` (the response schema and the path), so a single resource
    such as `/balance` is not judged. A collection path whose response schema was not fetched or
    not declared, and that has no paging parameter, is undecided (skip)."""
    index = need_index(ctx)

    def judge(coll: Collection) -> str | None:
        if params := _paging_params(index, coll.op):
            return f"pages by {', '.join(params)}"
        if header := _paging_header(coll):
            return f"pages by response header {header}"
        link = _has_next_link(index, coll)
        return f"pages by next link {link}" if link else None

    def fallback(op: Operation) -> str | None:
        params = _paging_params(index, op)
        return f"pages by {', '.join(params)}" if params else None

    return _decide_collections(
        ctx, judge, fallback,
        ok="are paginated", what="are not paginated", bad="{op} is a collection with no paging parameter and no next link",
    )


@check("spec.modified-since-filter", title="Collections filter by modification time", family=FAMILY, needs=("spec",))
def modified_since_filter(ctx: CheckContext) -> Decision:
    """Every collection GET has a modification-time query parameter (`updated_since`, `since`,
    `_since`, `updatedAfter`, `updated_at[gte]`, FHIR's `_lastUpdated`), after LOTI's tender
    wording for time-based extracts (HSG-API-15); a collection path whose response schema was not fetched or not
    declared, and that has no such parameter, is undecided (skip)."""

    def by_params(op: Operation) -> str | None:
        params = _since_params(op)
        return f"filters by {', '.join(params)}" if params else None

    return _decide_collections(
        ctx, lambda coll: by_params(coll.op), by_params,
        ok="filter by modification time", what="cannot be filtered by modification time",
        bad="{op} has no modification-time filter (e.g. updated_since)",
    )


@check("spec.write-operations", title="Each entity has a declared write operation", family=FAMILY, needs=("spec", "declaration"))
def write_operations(ctx: CheckContext) -> Decision:
    """Each entity the declaration maps has a declared write, and every declared write exists and is POST/PUT/PATCH.

    HSG-DATA-10 is judged per entity (issue 15): a write for repairs does not make properties
    writable, so each mapped entity in scope without a write of its own is named.
    """
    index = need_index(ctx)
    if ctx.declaration is None:
        return skipped("no supplier declaration was given (--declaration)")
    mapped = [(entity, mapping) for entity, mapping in sorted(ctx.declaration.entities.items()) if entity in ctx.scope.entities]
    declared = [(entity, ref) for entity, mapping in mapped for ref in mapping.writes]
    if not declared:
        return decide(index, [Problem("the declaration names no write operation for any entity", "/paths")], ok="", bad="no write access declared")
    problems = [
        Problem(f"{entity}: no write operation is declared, so records officers enter cannot be written through the API", "/paths")
        for entity, mapping in mapped
        if not mapping.writes
    ]
    evidence = []
    for entity, ref in declared:
        op = find_operation(index, ref)
        if op is None:
            problems.append(Problem(f"{entity}: declared write operation {ref!r} is not in the description", "/paths"))
        elif op.method not in _WRITE_METHODS:
            problems.append(Problem(f"{entity}: declared write operation {ref!r} is {op.key}, not POST/PUT/PATCH", op.pointer))
        else:
            named = f" ({ref})" if ref != op.key else ""
            evidence.append(note(index, f"{entity} is written by {op.key}{named}", op.pointer))
    if problems:
        return decide(index, problems, ok="", bad="{n} entities or declared writes without a working write operation", evidence=evidence)
    return passed(f"each of the {len(mapped)} mapped entities has a declared write; {len(declared)} declared write operation(s) exist", evidence)
