"""Shared work of the deletion checks (HSG-EXP-10): reading the declared deletions feed and the
change events' delete actions. Registers no check; `live_deletions` and `export_deletions` use it,
and share what it reads through `ctx.cache`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import cached_walk, finding_from_error, find_operation, require_live
from interopcheck.declaration import MISSING, DeletionsDecl, pointer_get
from interopcheck.errors import CheckSkipped, LiveError
from interopcheck.live.client import LiveResponse
from interopcheck.model import Finding

#: The change-event entity of the standard, whose action=delete events name deleted records.
CHANGE_EVENT = "change-event"


@dataclass(frozen=True)
class Tombstone:
    """One deleted record as the feed (or a change event) names it."""

    entity: str
    id: str
    deleted_at: str


@dataclass
class FeedRead:
    """The deletions feed as walked: its tombstones, what was wrong, whether the walk finished."""

    path: str
    tombstones: list[Tombstone] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # the supplier's fault
    errors: list[Finding] = field(default_factory=list)  # transport failures
    capped: bool = False
    first: LiveResponse | None = None

    @property
    def complete(self) -> bool:
        """The walk reached the last page without a cap, an error or a problem."""
        return not self.capped and not self.errors and not self.problems


def declared(ctx: CheckContext) -> DeletionsDecl | None:
    """The declaration's `deletions:` entry, or None."""
    return ctx.declaration.deletions if ctx.declaration is not None else None


def feed_path(ctx: CheckContext, decl: DeletionsDecl) -> str | None:
    """The path of the declared feed: from the spec, or "GET /path" as declared."""
    op = find_operation(ctx, decl.collection)
    if op is not None:
        return op.path
    if decl.collection.upper().startswith("GET /"):
        return decl.collection.split(" ", 1)[1]
    return None


def _text(value: Any) -> str | None:
    """A string or number as text; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value)


def read_feed(ctx: CheckContext, decl: DeletionsDecl, path: str, since: str | None = None) -> FeedRead:
    """Walk the feed page by page along `next_pointer` (cached per `since`), up to `ctx.options.max_pages`."""
    key = f"deletions.feed:{since}"
    if key in ctx.cache:
        return ctx.cache[key]  # type: ignore[no-any-return]
    live = require_live(ctx)
    result = FeedRead(path)
    url: str = live.client.resolve(path)
    params: dict[str, str] | None = {decl.since_param: since} if since is not None else None
    seen: set[str] = set()
    pages = 0
    while True:
        if pages >= ctx.options.max_pages:
            result.capped = True
            break
        marker = url + repr(params)
        if marker in seen:
            result.problems.append(Finding(f"deletions feed: page {pages + 1} links back to a page already read ({url})"))
            break
        seen.add(marker)
        try:
            resp = live.client.get(url, params=params)
        except LiveError as exc:
            result.errors.append(finding_from_error(f"deletions feed: page {pages + 1} could not be read", exc))
            break
        pages += 1
        result.first = result.first or resp
        if resp.status != 200:
            result.problems.append(Finding(f"deletions feed: GET {resp.url} answered HTTP {resp.status}", exchange=resp.exchange))
            break
        try:
            body = resp.json()
        except LiveError as exc:
            result.problems.append(finding_from_error(f"deletions feed: page {pages}", exc))
            break
        records = pointer_get(body, decl.records_pointer)
        if not isinstance(records, list):
            result.problems.append(Finding(f"deletions feed: page {pages} has no record array at {decl.records_pointer}", exchange=resp.exchange))
            break
        for n, record in enumerate(records):
            entity, rid, at = (_text(pointer_get(record, p)) for p in (decl.entity_field, decl.id_field, decl.deleted_at_field))
            if entity is None or rid is None or at is None:
                result.problems.append(Finding(
                    f"deletions feed: record {n} of page {pages} lacks {decl.entity_field}, {decl.id_field} or {decl.deleted_at_field}",
                    exchange=resp.exchange,
                ))
                continue
            result.tombstones.append(Tombstone(entity, rid, at))
        nxt = pointer_get(body, decl.next_pointer) if decl.next_pointer else None
        if nxt in (None, "", MISSING) or not records:
            break
        if not isinstance(nxt, str):
            result.problems.append(Finding(f"deletions feed: the next link on page {pages} is not a string", exchange=resp.exchange))
            break
        url, params = urljoin(url, nxt), None
    ctx.cache[key] = result
    return result


@dataclass(frozen=True)
class ChangeDeletes:
    """The action=delete change events: the records they name, and whether every event was read."""

    deletes: tuple[Tombstone, ...]
    complete: bool
    events: int


def change_deletes(ctx: CheckContext) -> ChangeDeletes | None:
    """The deletes the declared change-event collection records (in the standard's shape), or None when undeclared."""
    if ctx.declaration is None or CHANGE_EVENT not in ctx.declaration.entities:
        return None
    if "deletions.changes" in ctx.cache:
        return ctx.cache["deletions.changes"]  # type: ignore[no-any-return]
    try:
        walk = cached_walk(ctx, CHANGE_EVENT)
    except CheckSkipped:
        return None
    mapper = ctx.declaration.entities[CHANGE_EVENT].mapper()
    deletes = []
    for raw in walk.records:
        event = mapper(raw)
        if pointer_get(event, "/action") != "delete":
            continue
        entity, rid, at = (_text(pointer_get(event, p)) for p in ("/entity", "/record_id", "/changed_at"))
        if entity is not None and rid is not None:
            deletes.append(Tombstone(entity, rid, at or ""))
    found = ChangeDeletes(tuple(deletes), walk.complete, len(walk.records))
    ctx.cache["deletions.changes"] = found
    return found


def keys(items: Any) -> set[tuple[str, str]]:
    """(entity, id) of each tombstone."""
    return {(t.entity, t.id) for t in items}


def stamp_time(stamp: str) -> datetime | None:
    """An RFC 3339 stamp with its offset as an aware datetime, or None (a stamp without an offset names no instant)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
