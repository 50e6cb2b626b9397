"""Shared work of the live checks: finding operations, walking a collection's pages, sampling records.

Not a check family itself (it registers nothing); the live checks share its results through
`ctx.cache` so one pagination walk per collection serves pagination, records, UPRN and date checks.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin

from interopcheck.checks.context import CheckContext
from interopcheck.declaration import MISSING, EntityMapping, UnmappedValue, pointer_get
from interopcheck.declaration_mapper import RecordMapper
from interopcheck.errors import CheckSkipped, LiveError
from interopcheck.live.client import LiveResponse
from interopcheck.live.failures import LiveRequestError
from interopcheck.model import Exchange, Finding
from interopcheck.spec.operations import Operation


def find_operation(ctx: CheckContext, ref: str | None) -> Operation | None:
    """The spec operation a declaration names by operationId or "GET /path"."""
    if not ref or ctx.index is None:
        return None
    return ctx.index.find_operation(ref)


def collection_path(ctx: CheckContext, mapping: EntityMapping) -> str | None:
    """The path of `mapping`'s collection operation: from the spec, or the "GET /path" as declared."""
    op = find_operation(ctx, mapping.collection)
    if op is not None:
        return op.path
    if mapping.collection and mapping.collection.upper().startswith("GET /"):
        return mapping.collection.split(" ", 1)[1]
    return None


def declared_collections(ctx: CheckContext) -> list[tuple[str, EntityMapping, str]]:
    """(entity, mapping, path) for every declared entity whose collection can be located."""
    if ctx.declaration is None:
        return []
    out = []
    for entity, mapping in ctx.declaration.entities.items():
        path = collection_path(ctx, mapping)
        if path is not None and "{" not in path:
            out.append((entity, mapping, path))
    return out


#: The id put into an item path when no walk of the entity's collection is cached to take a real one from.
PLACEHOLDER_ID = "1"
_PATH_PARAM = re.compile(r"\{[^}/]+\}")


@dataclass(frozen=True)
class ItemTarget:
    """A declared item operation with its path filled in: a real id from a cached walk, else a placeholder."""

    entity: str
    mapping: EntityMapping
    operation: Operation
    path: str
    record_id: str
    real_id: bool


def declared_items(ctx: CheckContext) -> list[ItemTarget]:
    """For every declared entity with a GET item operation in the spec, that operation's path with an id in it."""
    if ctx.declaration is None:
        return []
    out = []
    for entity, mapping in ctx.declaration.entities.items():
        op = find_operation(ctx, mapping.item)
        if op is None or op.method != "get":
            continue
        record_id, real = PLACEHOLDER_ID, False
        cached = ctx.cache.get(f"live.walk.{entity}")
        for record in getattr(cached, "records", ())[:20]:
            rid = pointer_get(record, mapping.id_field)
            if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid):
                record_id, real = str(rid), True
                break
        path = _PATH_PARAM.sub(lambda _m: quote(record_id, safe=""), op.path)
        out.append(ItemTarget(entity, mapping, op, path, record_id, real))
    return out


def public_get_operations(ctx: CheckContext, limit: int = 5) -> list[Operation]:
    """Up to `limit` spec GET operations without path parameters, chosen by the run's seed."""
    if ctx.index is None:
        return []
    ops = [op for op in ctx.index.operations if op.method == "get" and "{" not in op.path]
    rng = random.Random(ctx.options.seed)
    return sorted(rng.sample(ops, min(limit, len(ops))), key=lambda op: op.path)


def require_live(ctx: CheckContext) -> Any:
    """`ctx.live`, or skip (the runner normally guarantees it through `needs`)."""
    if ctx.live is None:
        raise CheckSkipped("no sandbox was given (--base-url)")
    return ctx.live


def finding_from_error(message: str, exc: LiveError) -> Finding:
    """A finding for a failed request, keeping its evidence."""
    exchange = exc.exchange if isinstance(exc, LiveRequestError) else None
    return Finding(f"{message}: {exc.message}", exchange=exchange)


@dataclass
class Walk:
    """One walk of a collection's pages: the records, what went wrong, and whether the cap stopped it."""

    entity: str
    path: str
    pages: int = 0
    records: list[Any] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # the supplier's fault: loops, duplicates, bad pages
    errors: list[Finding] = field(default_factory=list)  # transport failures: the walk could not finish
    capped: bool = False
    total: int | None = None
    responses: list[LiveResponse] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """The walk reached the last page without a cap or an error."""
        return not self.capped and not self.errors and not self.problems

    def exchange(self) -> Exchange | None:
        """Evidence: the first page's exchange."""
        return self.responses[0].exchange if self.responses else None


MAX_KEPT_RESPONSES = 5


def walk(ctx: CheckContext, entity: str, mapping: EntityMapping, path: str, params: dict[str, str] | None = None) -> Walk:
    """Walk `path` page by page along `mapping.next_pointer` up to `ctx.options.max_pages`."""
    live = require_live(ctx)
    result = Walk(entity, path)
    url: str = live.client.resolve(path)
    seen_urls: set[str] = set()
    seen_ids: dict[str, int] = {}
    page_params = params
    previous: Exchange | None = None
    while True:
        if result.pages >= ctx.options.max_pages:
            result.capped = True
            break
        key = url + repr(sorted((page_params or {}).items()))
        if key in seen_urls:
            result.problems.append(Finding(f"{entity}: page {result.pages + 1} links back to a page already read ({url}): a pagination loop", exchange=previous))
            break
        seen_urls.add(key)
        try:
            resp = live.client.get(url, params=page_params)
        except LiveError as exc:
            result.errors.append(finding_from_error(f"{entity}: page {result.pages + 1} could not be read", exc))
            break
        result.pages += 1
        previous = resp.exchange
        if len(result.responses) < MAX_KEPT_RESPONSES:
            result.responses.append(resp)
        if resp.status != 200:
            result.problems.append(Finding(f"{entity}: page {result.pages} ({resp.url}) returned HTTP {resp.status}", exchange=resp.exchange))
            break
        try:
            body = resp.json()
        except LiveError as exc:
            result.problems.append(finding_from_error(f"{entity}: page {result.pages}", exc))
            break
        records = pointer_get(body, mapping.records_pointer)
        if not isinstance(records, list):
            result.problems.append(
                Finding(f"{entity}: page {result.pages} has no record array at {mapping.records_pointer}", exchange=resp.exchange)
            )
            break
        if result.pages == 1 and mapping.total_pointer:
            total = pointer_get(body, mapping.total_pointer)
            result.total = total if isinstance(total, int) and not isinstance(total, bool) else None
        for record in records:
            rid = pointer_get(record, mapping.id_field)
            if rid is not MISSING:
                key_id = str(rid)
                if key_id in seen_ids:
                    result.problems.append(
                        Finding(
                            f"{entity}: id {key_id!r} on page {result.pages} was already on page {seen_ids[key_id]}",
                            exchange=resp.exchange,
                            data={"id": key_id},
                        )
                    )
                else:
                    seen_ids[key_id] = result.pages
            result.records.append(record)
        nxt = pointer_get(body, mapping.next_pointer) if mapping.next_pointer else None
        if nxt in (None, "", MISSING):
            break
        if not isinstance(nxt, str):
            result.problems.append(Finding(f"{entity}: the next link on page {result.pages} is not a string", exchange=resp.exchange))
            break
        if not records:
            result.problems.append(Finding(f"{entity}: page {result.pages} is empty but links to a next page", exchange=resp.exchange))
            break
        url = urljoin(url, nxt)
        page_params = None  # the next link carries the query
    if result.total is not None and not result.capped and not result.errors and len(result.records) != result.total:
        result.problems.append(
            Finding(
                f"{entity}: the collection says it holds {result.total} records but the walk returned {len(result.records)}",
                exchange=result.exchange(),
                data={"total": result.total, "walked": len(result.records)},
            )
        )
    return result


def cached_walk(ctx: CheckContext, entity: str) -> Walk:
    """The unfiltered walk of `entity`'s declared collection, done once per run; skips when undeclared."""
    key = f"live.walk.{entity}"
    if key not in ctx.cache:
        if ctx.declaration is None or entity not in ctx.declaration.entities:
            raise CheckSkipped(f"the declaration does not map the entity {entity}")
        mapping = ctx.declaration.entities[entity]
        path = collection_path(ctx, mapping)
        if path is None or "{" in path:
            raise CheckSkipped(f"the declared collection of {entity} ({mapping.collection}) is not a GET operation of the spec")
        ctx.cache[key] = walk(ctx, entity, mapping, path)
    return ctx.cache[key]  # type: ignore[no-any-return]


def sampled_records(ctx: CheckContext, entity: str) -> tuple[list[Any], Walk]:
    """Up to `ctx.options.sample` records of `entity` in the standard's shape, picked by the run's seed."""
    key = f"live.sample.{entity}"
    if key not in ctx.cache:
        w = cached_walk(ctx, entity)
        records = w.records
        if len(records) > ctx.options.sample:
            rng = random.Random(f"{ctx.options.seed}:{entity}")
            picks = sorted(rng.sample(range(len(records)), ctx.options.sample))
            records = [records[i] for i in picks]
        assert ctx.declaration is not None
        mapper = ctx.declaration.entities[entity].mapper()
        ctx.cache[key] = [mapper(r) for r in records]
        ctx.cache[f"live.unmapped.{entity}"] = mapper.unmapped() if isinstance(mapper, RecordMapper) else ()
    return ctx.cache[key], ctx.cache[f"live.walk.{entity}"]


def unmapped_values(ctx: CheckContext, entity: str) -> tuple[UnmappedValue, ...]:
    """The values of `entity`'s sampled records that the declaration's value maps did not cover (after `sampled_records`)."""
    found: tuple[UnmappedValue, ...] = ctx.cache.get(f"live.unmapped.{entity}", ())
    return found
