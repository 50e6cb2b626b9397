"""Static checks on collections and writes: pagination, modification-time filters, declared write
operations (HSG-API-13/15, HSG-DATA-10).
"""

from __future__ import annotations

import re
from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, not_applicable, passed, skipped
from interopcheck.checks.spec_shapes import (
    FAMILY,
    Collection,
    Problem,
    collections,
    decide,
    find_operation,
    need_index,
    normalise,
    note,
    object_properties,
    query_names,
)
from interopcheck.spec.index import Operation, SpecIndex

#: Normalised query-parameter names that page through a collection.
_PAGING_PARAMS = frozenset(
    {
        "page", "limit", "cursor", "offset", "perpage", "pagesize", "after", "before", "pagetoken",
        "pagenumber", "startingafter", "endingbefore", "skip", "top", "size", "continuationtoken",
        "nextpagetoken", "maxresults", "first", "pagecursor", "pageafter", "pagebefore",
    }
)
#: Normalised names of envelope members that hold paging links (one level down is searched too).
_LINK_CONTAINERS = frozenset({"links", "link", "meta", "pagination", "paging", "page", "cursor", "cursors"})
_NEXT_NAME = re.compile(r"next|cursor")
_SINCE_PARAM = re.compile(r"^(filter)?(updated|modified|changed|lastmodified|lastupdated)(at|date|time)?(since|after|from|gt|gte|min|start)$")
_WRITE_METHODS = frozenset({"post", "put", "patch"})


def _has_next_link(index: SpecIndex, coll: Collection) -> str | None:
    """The name of a next-link or cursor member of the page envelope (or a `Link` header), if any."""
    for resp in coll.op.responses:
        if resp.status[:1] == "2" and any(h.lower() == "link" for h in resp.headers):
            return "Link header"
    for name, prop in coll.properties.items():
        key = normalise(name)
        if _NEXT_NAME.search(key):
            return name
        if key in _LINK_CONTAINERS:
            inner = object_properties(index, prop) or {}
            for sub in inner:
                if _NEXT_NAME.search(normalise(sub)):
                    return f"{name}.{sub}"
    return None


def _paging_params(op: Operation) -> list[str]:
    """The query parameters of `op` that page (`page`, `limit`, `cursor`, `page[size]`, ...)."""
    return [name for key, name in query_names(op).items() if key in _PAGING_PARAMS or key.startswith("page")]


@check("spec.pagination", title="Collections are paginated", family=FAMILY, needs=("spec",))
def pagination(ctx: CheckContext) -> Decision:
    """Every collection GET has paging query parameters or a next link (or `Link` header) in its response."""
    index = need_index(ctx)
    found = collections(ctx)
    if not found:
        return not_applicable("no collection GET operations were found in the description")
    problems = []
    evidence = []
    for coll in found:
        params = _paging_params(coll.op)
        link = _has_next_link(index, coll)
        if params or link:
            how = ", ".join(params) if params else f"next link {link}"
            evidence.append(note(index, f"{coll.op.key} pages by {how}", coll.op.pointer))
        else:
            problems.append(Problem(f"{coll.op.key} is a collection with no paging parameter and no next link", coll.op.pointer))
    return decide(index, problems, ok=f"all {len(found)} collections are paginated", bad="{n} collection(s) are not paginated", evidence=evidence[:50])


@check("spec.modified-since-filter", title="Collections filter by modification time", family=FAMILY, needs=("spec",))
def modified_since_filter(ctx: CheckContext) -> Decision:
    """Every collection GET has a modification-time query parameter (`updated_since`, `since`, `_since`, `updatedAfter`)."""
    index = need_index(ctx)
    found = collections(ctx)
    if not found:
        return not_applicable("no collection GET operations were found in the description")
    problems = []
    evidence = []
    for coll in found:
        params = [name for key, name in query_names(coll.op).items() if key == "since" or _SINCE_PARAM.match(key)]
        if params:
            evidence.append(note(index, f"{coll.op.key} filters by {', '.join(params)}", coll.op.pointer))
        else:
            problems.append(Problem(f"{coll.op.key} has no modification-time filter (e.g. updated_since)", coll.op.pointer))
    return decide(index, problems, ok=f"all {len(found)} collections filter by modification time", bad="{n} collection(s) cannot be filtered by modification time", evidence=evidence[:50])


@check("spec.write-operations", title="Declared write operations exist", family=FAMILY, needs=("spec", "declaration"))
def write_operations(ctx: CheckContext) -> Decision:
    """Operations declared in any entity's `writes` exist and are POST/PUT/PATCH; no declared write fails."""
    index = need_index(ctx)
    if ctx.declaration is None:
        return skipped("no supplier declaration was given (--declaration)")
    declared = [(entity, ref) for entity, mapping in sorted(ctx.declaration.entities.items()) for ref in mapping.writes]
    if not declared:
        return decide(index, [Problem("the declaration names no write operation for any entity", "/paths")], ok="", bad="no write access declared")
    problems = []
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
        return decide(index, problems, ok="", bad="{n} declared write operation(s) missing or not writes", evidence=evidence)
    return passed(f"{len(declared)} declared write operation(s) exist", evidence)
