"""The API side of reconciliation: how many records a collection holds, and one record by id.

Uses only the declaration's pointers and the safe client, so an export is judged against what the
same supplier's API says; a walk that reaches `--max-pages` skips with the reason instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interopcheck.declaration import MISSING, EntityMapping, pointer_get
from interopcheck.errors import CheckSkipped, LiveError


@dataclass(frozen=True)
class ApiCount:
    """A collection's record count and how it was found (`total` field or a full walk)."""

    count: int
    how: str
    exchange: Any = None


def operation_path(ctx: Any, ref: str | None) -> str | None:
    """The path of a declared operation (`GET /v1/x/{id}` or an operationId looked up in the spec index)."""
    if not ref:
        return None
    method, _, path = ref.partition(" ")
    if path.startswith("/") and method.isalpha():
        return path
    index = ctx.index or getattr(ctx.live, "index", None)
    for op in getattr(index, "operations", ()) or ():
        if op.operation_id == ref:
            return op.path
    return None


def api_count(ctx: Any, mapping: EntityMapping) -> ApiCount:
    """The collection's total (declared `total_pointer` on page one, else a walk); CheckSkipped when it cannot be known."""
    path = operation_path(ctx, mapping.collection)
    if path is None:
        raise CheckSkipped(f"the collection operation of {mapping.entity} ({mapping.collection}) is not in the API description")
    page = _get_json(ctx, path)
    if mapping.total_pointer:
        total = pointer_get(page[0], mapping.total_pointer)
        if isinstance(total, int) and not isinstance(total, bool):
            return ApiCount(total, f"{mapping.total_pointer} on the first page", page[1])
    count, pages = 0, 0
    while True:
        pages += 1
        records = pointer_get(page[0], mapping.records_pointer)
        if not isinstance(records, list):
            raise LiveError(f"{path}: no record list at {mapping.records_pointer}")
        count += len(records)
        nxt = pointer_get(page[0], mapping.next_pointer) if mapping.next_pointer else MISSING
        if not isinstance(nxt, str) or not nxt:
            return ApiCount(count, f"a walk of {pages} pages", page[1])
        if pages >= ctx.options.max_pages:
            raise CheckSkipped(f"the {mapping.entity} collection has more than --max-pages={ctx.options.max_pages} pages and no total field")
        page = _get_json(ctx, nxt)


def api_item(ctx: Any, mapping: EntityMapping, record_id: str) -> tuple[Any, Any]:
    """(the API's record with `record_id` in the supplier's shape or None when 404, the exchange)."""
    path = operation_path(ctx, mapping.item)
    if path is None:
        raise CheckSkipped(f"the item operation of {mapping.entity} ({mapping.item}) is not in the API description")
    if "{" not in path:
        raise CheckSkipped(f"the item operation {path} of {mapping.entity} has no id parameter")
    url = path[: path.index("{")] + _quote(record_id) + path[path.index("}") + 1 :]
    resp = ctx.live.client.get(url)
    if resp.status == 404:
        return None, resp.exchange
    if resp.status != 200:
        raise LiveError(f"GET {url} answered HTTP {resp.status}")
    body = resp.json()
    if isinstance(body, dict) and pointer_get(body, mapping.id_field) is MISSING and isinstance(body.get("data"), dict):
        body = body["data"]  # an item wrapped in an envelope
    return body, resp.exchange


def _get_json(ctx: Any, url: str) -> tuple[Any, Any]:
    resp = ctx.live.client.get(url)
    if resp.status != 200:
        raise LiveError(f"GET {url} answered HTTP {resp.status}")
    return resp.json(), resp.exchange


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
