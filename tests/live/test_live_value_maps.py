"""live.records.E with the declaration's value maps: mapped values validate, uncovered ones are their own findings."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import live_minisandbox as mini

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import run_check
from live_fakes import live_checks
from interopcheck.model import Status

LiveCtx = Callable[..., CheckContext]


def declaration_with(fields: dict[str, Any]) -> Any:
    """The mini sandbox's declaration with `fields` added to the identity mapping of property."""
    data = copy.deepcopy(mini.DECLARATION)
    data["entities"]["property"]["fields"] = fields
    return mini.declaration(data)


def bedrooms_of(ctx: CheckContext) -> list[int]:
    return [r["bedrooms"] for r in ctx.cache["live.walk.property"].records]


def test_uncovered_value_is_a_finding_with_count_and_first_record(live_ctx: LiveCtx) -> None:
    ctx = live_ctx(declaration=declaration_with({"/bedrooms": {"from": "/bedrooms", "values": {0: 0, 1: 1, 2: 2}}}))
    result = run_check(live_checks()["live.records.property"], ctx)
    threes = [r["id"] for r in ctx.cache["live.walk.property"].records if r["bedrooms"] == 3]
    assert threes, "the mini sandbox has properties with 3 bedrooms"
    assert result.status is Status.FAIL
    assert result.summary == f"0 of {len(bedrooms_of(ctx))} property records failed the standard schema; 1 value(s) outside the declaration's value maps"
    [finding] = result.findings
    assert finding.data == {"field": "/bedrooms", "value": 3, "count": len(threes), "first_id": threes[0], "other_values": False}
    assert f"/bedrooms: value 3 not in the declaration's value map ({len(threes)} record(s), first in record {threes[0]})" in finding.message


def test_mapped_values_are_what_the_standard_validates(live_ctx: LiveCtx) -> None:
    """A map onto a value the standard refuses fails validation; the uncovered-value finding is not added for covered values."""
    ctx = live_ctx(declaration=declaration_with({"/bedrooms": {"from": "/bedrooms", "values": {0: 0, 1: 1, 2: 2, 3: "three"}}}))
    result = run_check(live_checks()["live.records.property"], ctx)
    threes = sum(1 for b in bedrooms_of(ctx) if b == 3)
    assert result.status is Status.FAIL and result.summary.startswith(f"{threes} of ")
    assert "value map" not in result.summary
    assert all(f.data and f.data.get("errors") for f in result.findings)


def test_a_map_covering_every_value_adds_nothing(live_ctx: LiveCtx) -> None:
    ctx = live_ctx(declaration=declaration_with({"/bedrooms": {"from": "/bedrooms", "values": {0: 0, 1: 1, 2: 2, 3: 3}}}))
    result = run_check(live_checks()["live.records.property"], ctx)
    assert result.status is Status.PASS, [f.message for f in result.findings]
    assert ctx.cache["live.unmapped.property"] == ()
