"""Live check of deletions (HSG-EXP-10): `live.deletions`.

A council that keeps a copy up to date with `updated_since` never sees a deleted record again, so
it keeps it for ever unless the API says what was deleted: a feed of {entity, id, deleted_at}
since a time (a tombstone per record, as FHIR Bulk Data's `deleted` list does for exports). The
check reads the declared feed, holds it against the change events' delete actions (both ways),
tries its `since` filter, and confirms that a sample of the deleted records are really gone: 404
or 410 by id and absent from their collection. Data with no deletions cannot show any of this,
so the check then says it could not test, never that it passed.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from interopcheck.checks.context import CheckContext
from interopcheck.checks.deletion_feed import Tombstone, change_deletes, declared, feed_path, keys, read_feed, stamp_time
from interopcheck.checks.live_walk import cached_walk, finding_from_error, find_operation, require_live
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, from_findings, skipped
from interopcheck.declaration import DeletionsDecl, pointer_get
from interopcheck.errors import CheckSkipped, LiveError
from interopcheck.model import Finding

#: Deleted records looked up by id (spread over the entities, in feed order).
MAX_LOOKUPS = 10
#: Records named in one finding's message (the finding's data keeps up to 200).
SHOWN = 5
GONE = (404, 410)
_PATH_PARAM = re.compile(r"\{[^}/]+\}")


def _named(pairs: set[tuple[str, str]]) -> str:
    """A few (entity, id) pairs for a message."""
    shown = sorted(pairs)[:SHOWN]
    return ", ".join(f"{e} {i}" for e, i in shown) + (", ..." if len(pairs) > SHOWN else "")


def _picked(tombstones: list[Tombstone]) -> list[Tombstone]:
    """Up to MAX_LOOKUPS tombstones, taking each entity's in turn."""
    by_entity: dict[str, list[Tombstone]] = {}
    for t in tombstones:
        by_entity.setdefault(t.entity, []).append(t)
    out: list[Tombstone] = []
    while len(out) < MAX_LOOKUPS and any(by_entity.values()):
        for queue in by_entity.values():
            if queue and len(out) < MAX_LOOKUPS:
                out.append(queue.pop(0))
    return out


def _gone_findings(ctx: CheckContext, picked: list[Tombstone]) -> tuple[list[Finding], list[Finding]]:
    """(findings, evidence): each picked deleted record must answer 404/410 by id and be absent from its collection."""
    assert ctx.declaration is not None
    live = require_live(ctx)
    findings, evidence = [], []
    for t in picked:
        mapping = ctx.declaration.entities.get(t.entity)
        if mapping is None:
            continue
        op = find_operation(ctx, mapping.item)
        if op is not None and op.method == "get":
            path = _PATH_PARAM.sub(lambda _m: quote(t.id, safe=""), op.path)
            try:
                resp = live.client.get(path)
            except LiveError as exc:
                findings.append(finding_from_error(f"deleted {t.entity} {t.id}: GET {path}", exc))
            else:
                line = f"deleted {t.entity} {t.id}: GET {resp.url} answered HTTP {resp.status}"
                if resp.status in GONE:
                    evidence.append(Finding(line, exchange=resp.exchange))
                else:
                    findings.append(Finding(line + " (404 or 410 expected for a deleted record)", exchange=resp.exchange))
        try:
            walk = cached_walk(ctx, t.entity)
        except CheckSkipped:
            continue
        ids = {str(pointer_get(r, mapping.id_field)) for r in walk.records}
        if t.id in ids:
            findings.append(Finding(f"deleted {t.entity} {t.id} is still in its collection ({walk.path})", exchange=walk.exchange()))
    return findings, evidence


def _since_findings(ctx: CheckContext, decl: DeletionsDecl, path: str, listed: list[Tombstone]) -> tuple[list[Finding], list[Finding]]:
    """Ask the feed for the deletions since the middle deleted_at; it must answer exactly those at or after it."""
    stamps = sorted({t.deleted_at for t in listed if stamp_time(t.deleted_at) is not None}, key=lambda s: stamp_time(s))  # type: ignore[arg-type, return-value]
    if len(stamps) < 2:
        return [], []
    since = stamps[len(stamps) // 2]
    cut = stamp_time(since)
    expected = {(t.entity, t.id) for t in listed if (w := stamp_time(t.deleted_at)) is not None and cut is not None and w >= cut}
    part = read_feed(ctx, decl, path, since)
    if not part.complete:
        return part.problems, []
    got = keys(part.tombstones)
    findings = []
    if got - expected:
        findings.append(Finding(f"the feed since {since} lists {len(got - expected)} records deleted before it: {_named(got - expected)}", exchange=part.first.exchange if part.first else None))
    if expected - got:
        findings.append(Finding(f"the feed since {since} leaves out {len(expected - got)} records deleted at or after it: {_named(expected - got)}", exchange=part.first.exchange if part.first else None))
    ok = [Finding(f"the feed since {since} lists the {len(got)} records deleted at or after it", exchange=part.first.exchange if part.first else None)]
    return findings, ([] if findings else ok)


@check("live.deletions", title="Deleted records are reported by a deletions feed", family="live", needs=("live", "declaration", "credentials"))
def live_deletions(ctx: CheckContext) -> Decision:
    """HSG-EXP-10: the declared deletions feed answers; every action=delete change event is in it
    and every tombstone in it has one (when change events are declared and read whole); its
    `since` filter returns exactly the later deletions; a sample of the deleted records answer
    404 or 410 by id and are absent from their collections. With no deletion anywhere in the data
    the check errors (not tested), never passes."""
    decl = declared(ctx)
    changes = change_deletes(ctx)
    if decl is None:
        if changes is not None and changes.deletes:
            return failed(
                f"{len(changes.deletes)} change events record deletions, but no deletions feed is declared (deletions:)",
                [Finding(f"change events delete {_named(keys(changes.deletes))}, and nothing tells an incremental reader")],
            )
        return skipped("no deletions feed is declared (deletions:) and no change event records a delete, so whether deletions are reported could not be tested")
    path = feed_path(ctx, decl)
    if path is None or "{" in path:
        return failed(f"the declared deletions feed {decl.collection} is not a GET operation of the description", [Finding(f"deletions.collection {decl.collection} not found")])
    feed = read_feed(ctx, decl, path)
    if feed.errors and not feed.tombstones:
        return errored("the deletions feed could not be read", feed.errors)
    findings = list(feed.problems)
    listed = keys(feed.tombstones)
    evidence = [Finding(f"the deletions feed ({path}) lists {len(listed)} deleted records", exchange=feed.first.exchange if feed.first else None)]
    deletes = keys(changes.deletes) if changes is not None else set()
    if not listed and not deletes:
        if findings:
            return failed(f"{len(findings)} problems reading the deletions feed", findings, evidence)
        why = "the deletions feed lists no deleted record" + (" and no change event records a delete" if changes is not None else " (and no change events are declared to compare with)")
        return errored(f"not tested: {why}, so the data holds no deletion to check")
    if changes is not None:
        # A delete event the whole feed lacks fails even if not every event was read; the reverse needs them all.
        missing = deletes - listed if feed.complete else set()
        unexplained = listed - deletes if changes.complete else set()
        if missing:
            findings.append(Finding(f"{len(missing)} records deleted by change events are not in the deletions feed: {_named(missing)}",
                                    exchange=feed.first.exchange if feed.first else None, data={"missing": [list(p) for p in sorted(missing)[:200]]}))
        if unexplained:
            findings.append(Finding(f"{len(unexplained)} records in the deletions feed have no delete change event: {_named(unexplained)}",
                                    data={"unexplained": [list(p) for p in sorted(unexplained)[:200]]}))
        if not (feed.complete and changes.complete):
            evidence.append(Finding("the feed and the change events were compared one way only: one of them was not read whole"))
        elif not missing and not unexplained:
            evidence.append(Finding(f"the feed and the {len(deletes)} delete change events name the same records"))
    more, seen = _since_findings(ctx, decl, path, feed.tombstones)
    findings += more
    evidence += seen
    gone, looked = _gone_findings(ctx, _picked(feed.tombstones))
    findings += gone
    evidence += looked
    return from_findings(
        findings,
        ok=f"the deletions feed lists {len(listed)} deleted records"
        + (f", matching the {len(deletes)} delete change events" if changes is not None and changes.complete and feed.complete else "")
        + f"; {len(looked)} of them looked up by id answered 404/410",
        bad="{n} problems with how deletions are reported",
        evidence=evidence,
    )
