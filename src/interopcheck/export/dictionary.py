"""The supplier's data dictionary: which columns and fields each entity's export has, as the supplier documents them.

Dictionaries come in several reasonable shapes, so `parse_dictionary` accepts the common ones and
reduces them to `{entity: {column names}}`; a column or field the dictionary does not name is a finding.
"""

from __future__ import annotations

import re
from typing import Any

from interopcheck.errors import LiveError
from interopcheck.export.fetch import budget_reason
from interopcheck.live.failures import RunDeadlineExceeded, SandboxTimeout, SandboxUnreachable


class DictionaryUnavailable(Exception):
    """No data dictionary is declared, or it cannot be fetched or read.

    `untested`: the request was never answered (not sent because the run's time budget was spent, or the
    connection failed or timed out), so nothing is known of the dictionary: an error, not the supplier's failure.
    """

    def __init__(self, reason: str, *, untested: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.untested = untested


def load_dictionary(ctx: Any) -> dict[str, set[str]]:
    """Fetch and parse the declaration's `data_dictionary` URL."""
    url = ctx.declaration.data_dictionary if ctx.declaration is not None else None
    if not url:
        raise DictionaryUnavailable("no data dictionary is declared (data_dictionary)")
    try:
        resp = ctx.live.client.get(url)
        if resp.status != 200:
            raise DictionaryUnavailable(f"the data dictionary {url} answered HTTP {resp.status}")
        body = resp.json()
    except RunDeadlineExceeded:
        raise DictionaryUnavailable(f"the data dictionary {url}: {budget_reason(ctx.live)}", untested=True) from None
    except (SandboxTimeout, SandboxUnreachable) as exc:
        raise DictionaryUnavailable(f"the data dictionary {url} could not be fetched: {exc.message}", untested=True) from None
    except LiveError as exc:
        raise DictionaryUnavailable(f"the data dictionary {url} could not be read: {exc.message}") from None
    parsed = parse_dictionary(body)
    if not parsed:
        raise DictionaryUnavailable(f"the data dictionary {url} names no entity's columns")
    return parsed


def parse_dictionary(body: Any) -> dict[str, set[str]]:
    """`{entity: {columns}}` from `{entities: {E: {columns|fields: [...]}}}`, `{E: [...]}`, `[{entity, columns}]` and the like."""
    if isinstance(body, dict) and isinstance(body.get("entities"), dict | list):
        body = body["entities"]
    out: dict[str, set[str]] = {}
    if isinstance(body, list):
        for item in body:
            if isinstance(item, dict) and isinstance(item.get("entity") or item.get("name"), str):
                out[item.get("entity") or item["name"]] = _names(item.get("columns") or item.get("fields"))
        return out
    if isinstance(body, dict):
        for entity, spec in body.items():
            if isinstance(spec, dict) and ("columns" in spec or "fields" in spec):
                spec = spec.get("columns") or spec.get("fields")
            names = _names(spec)
            if names:
                out[str(entity)] = names
    return out


def _names(spec: Any) -> set[str]:
    if isinstance(spec, list):
        return {str(c.get("name")) if isinstance(c, dict) else str(c) for c in spec if isinstance(c, dict | str)}
    if isinstance(spec, dict):
        return set(spec)
    return set()


def undocumented(dictionary: dict[str, set[str]], entity: str, columns: tuple[str, ...]) -> list[str]:
    """The columns of `entity` the dictionary does not name (all of them when the entity is absent)."""
    known = dictionary.get(entity, set())
    prefixes = tuple(k.split(sep, 1)[0] for k in known for sep in (".", "/", "[") if sep in k)
    return [c for c in columns if c not in known and c not in prefixes]


def absent(dictionary: dict[str, set[str]], entity: str, columns: tuple[str, ...]) -> list[str]:
    """The columns the dictionary names for `entity` that `columns` (a CSV header) lacks.

    A nested name (`address.line1`, `address/uprn`, `items[0]`) is present when its top-level column is.
    """
    have = set(columns)
    return sorted(n for n in dictionary.get(entity, set()) if n not in have and re.split(r"[./\[]", n, maxsplit=1)[0] not in have)
