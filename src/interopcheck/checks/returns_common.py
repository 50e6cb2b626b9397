"""What the statutory-return checks share: the run's collection year, downloading a declared return, the API's records.

A return is declared under `returns:` in the declaration (`core_lettings`, `h_clic`: url and the
query parameter of its period). The records it is reconciled with are read through the declared
collection (the walk `live.*` checks share) and mapped to the standard's shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import cached_walk, finding_from_error
from interopcheck.errors import CheckSkipped, LiveError
from interopcheck.live.failures import ResponseTooLarge
from interopcheck.live.response import LiveResponse
from interopcheck.model import Finding

#: What the returns checks need: a declaration (where the return is), a sandbox and credentials.
NEEDS = ("declaration", "export", "credentials")
#: The collection year when neither the run nor the profile names one (the newest bundled CORE year).
DEFAULT_YEAR = 2026


def collection_year(ctx: CheckContext) -> int:
    """The run's collection year (`--standards-year`, else the profile's `standards_year`)."""
    year = getattr(ctx.standards, "year", None)
    return int(year) if year else DEFAULT_YEAR


@dataclass(frozen=True)
class Download:
    """A declared return as downloaded: the response, or the finding that says why it could not be used."""

    response: LiveResponse | None
    finding: Finding | None = None
    supplier_fault: bool = False  # the finding is the supplier's failure (a non-200 answer), not the tool's


def download(ctx: CheckContext, decl: dict[str, str], param: str, default_param: str, value: str, accept: str = "application/json") -> Download:
    """GET the declared return `decl` with `param` (or its default name) set to `value`, asking for the media type `accept`."""
    assert ctx.live is not None
    name = decl.get(param) or default_param
    try:
        resp = ctx.live.client.get(decl["url"], params={name: value}, headers={"Accept": accept})
    except ResponseTooLarge as exc:
        raise CheckSkipped(f"the return at {decl['url']} is larger than the read limit: {exc.message}") from None
    except LiveError as exc:
        return Download(None, finding_from_error(f"{decl['url']}?{name}={value} could not be read", exc))
    if resp.status != 200:
        return Download(None, Finding(f"{resp.url} answered HTTP {resp.status}, not 200 with the return", exchange=resp.exchange), True)
    return Download(resp)


@dataclass(frozen=True)
class ApiRecords:
    """Every record of an entity the API serves, in the standard's shape, or why they could not all be read."""

    records: list[Any]
    incomplete: str | None = None  # why the walk did not read every record
    exchange: Any = None


def api_records(ctx: CheckContext, entity: str) -> ApiRecords:
    """The whole declared collection of `entity`, mapped to the standard (incomplete with the reason when the walk was cut short)."""
    assert ctx.declaration is not None
    if entity not in ctx.declaration.entities:
        return ApiRecords([], f"the declaration does not map {entity}, so the return could not be reconciled with the API")
    try:
        walk = cached_walk(ctx, entity)
    except CheckSkipped as skip:
        return ApiRecords([], skip.reason)
    key = f"returns.records.{entity}"
    if key not in ctx.cache:
        mapper = ctx.declaration.entities[entity].mapper()
        ctx.cache[key] = [mapper(r) for r in walk.records]
    reason = None
    if walk.capped:
        reason = f"the walk of {entity} stopped at --max-pages ({ctx.options.max_pages}) before the last page"
    elif walk.errors or walk.problems:
        reason = f"the walk of {entity} could not read every page ({(walk.errors or walk.problems)[0].message})"
    return ApiRecords(ctx.cache[key], reason, walk.exchange())
