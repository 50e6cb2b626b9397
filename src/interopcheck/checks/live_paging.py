"""Live checks of collections: pagination walked to its end, and the updated_since filter really filtering."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import Walk, cached_walk, collection_path, declared_collections, walk
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.declaration import pointer_get
from interopcheck.errors import CheckSkipped
from interopcheck.model import Finding


@check("live.pagination", title="Pagination walks to its end", family="live", needs=("live", "declaration", "spec", "credentials"))
def pagination(ctx: CheckContext) -> Decision:
    """Walk every declared collection to its last page (under --max-pages): no loops, duplicate ids or missing records."""
    collections = declared_collections(ctx)
    if not collections:
        return skipped("the declaration names no collection operation found in the spec")
    problems: list[Finding] = []
    errors: list[Finding] = []
    capped: list[str] = []
    evidence: list[Finding] = []
    for entity, _, _ in collections:
        w = cached_walk(ctx, entity)
        problems += w.problems
        errors += w.errors
        if w.capped:
            capped.append(entity)
        elif w.complete:
            evidence.append(Finding(f"{entity}: {len(w.records)} records on {w.pages} pages", exchange=w.exchange(), data={"pages": w.pages, "records": len(w.records)}))
    if problems:
        return failed(f"{len(problems)} pagination problems", problems[:200], evidence)
    if errors:
        return errored(f"{len(errors)} collections could not be walked", errors)
    if capped:
        return skipped(
            f"the walk of {', '.join(capped)} reached --max-pages={ctx.options.max_pages} before the last page, so its end was not seen"
        )
    return passed(f"{len(collections)} collections walked to their end without loops or duplicates", evidence)


def _parse_time(value: Any) -> datetime | None:
    """An RFC 3339 string as an aware datetime (naive ones taken as UTC), or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _check_entity(ctx: CheckContext, entity: str) -> tuple[list[Finding], Finding | None, str | None]:
    """(problems, evidence, reason it could not be tested) for one entity's updated_since filter."""
    assert ctx.declaration is not None
    mapping = ctx.declaration.entities[entity]
    full = cached_walk(ctx, entity)
    if not full.complete:
        return [], None, f"{entity}: the unfiltered walk did not finish"
    field = mapping.updated_field or "/updated_at"
    stamps = sorted(t for r in full.records if (t := _parse_time(pointer_get(r, field))) is not None)
    if not stamps:
        return [], None, f"{entity}: no record has a parseable {field}"
    cutoff = stamps[len(stamps) // 2]
    raw_cutoff = next(pointer_get(r, field) for r in full.records if _parse_time(pointer_get(r, field)) == cutoff)
    path = collection_path(ctx, mapping)
    assert path is not None and mapping.updated_since_param is not None
    filtered: Walk = walk(ctx, entity, mapping, path, {mapping.updated_since_param: raw_cutoff})
    if filtered.errors or filtered.capped:
        return [], None, f"{entity}: the filtered walk did not finish"
    first = filtered.exchange()
    if filtered.problems:
        return [Finding(f"{entity}: the filtered collection could not be walked: {filtered.problems[0].message}", exchange=first)], None, None
    problems = []
    older = [r for r in filtered.records if (t := _parse_time(pointer_get(r, field))) is None or t < cutoff]
    if older:
        problems.append(
            Finding(
                f"{entity}: {len(older)} of {len(filtered.records)} records returned with {mapping.updated_since_param}={raw_cutoff} "
                f"were updated before it (or have no {field})",
                exchange=first,
                data={"cutoff": raw_cutoff, "older": len(older), "returned": len(filtered.records)},
            )
        )
    expected = sum(1 for t in stamps if t >= cutoff)
    if stamps[0] < cutoff and len(filtered.records) >= len(full.records):
        problems.append(
            Finding(
                f"{entity}: the filter returned {len(filtered.records)} records, as many as unfiltered ({len(full.records)}); {expected} expected",
                exchange=first,
            )
        )
    evidence = Finding(f"{entity}: {len(filtered.records)} of {len(full.records)} records since {raw_cutoff}", exchange=first)
    return problems, evidence, None


@check("live.updated-since", title="updated_since really filters", family="live", needs=("live", "declaration", "spec", "credentials"))
def updated_since(ctx: CheckContext) -> Decision:
    """Records returned with updated_since=T all have updated_at >= T, and fewer come back when older records exist."""
    entities = [e for e, m, _ in declared_collections(ctx) if m.updated_since_param]
    if not entities:
        return skipped("the declaration names no updated_since parameter for any collection")
    problems: list[Finding] = []
    evidence: list[Finding] = []
    untested: list[str] = []
    for entity in entities:
        try:
            found, shown, reason = _check_entity(ctx, entity)
        except CheckSkipped as skip:
            found, shown, reason = [], None, skip.reason
        problems += found
        if shown is not None:
            evidence.append(shown)
        if reason:
            untested.append(reason)
    if problems:
        return failed(f"updated_since does not filter correctly on {len(problems)} counts", problems, evidence)
    if not evidence:
        return errored("updated_since could not be tested: " + "; ".join(untested))
    summary = f"updated_since filters {len(evidence)} collections correctly"
    if untested:
        summary += " (not tested: " + "; ".join(untested) + ")"
    return passed(summary, evidence)
