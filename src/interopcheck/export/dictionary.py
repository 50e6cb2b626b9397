"""The supplier's data dictionary: which columns and fields each entity's export has, as the supplier documents them.

Dictionaries come in several reasonable shapes, so `parse_dictionary` accepts the common ones and
reduces them to `{entity: {column name: its entry}}`; a column or field the dictionary does not name is a
finding, and so is one it names without defining (`undefined`: a type, a meaning, and for a coded
field the code list its values come from; HSG-EXP-08 since profile 1.2.0).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from interopcheck.errors import LiveError
from interopcheck.export.fetch import budget_reason
from interopcheck.live.failures import RunDeadlineExceeded, SandboxTimeout, SandboxUnreachable
from interopcheck.standards.registry import load_standards


class DictionaryUnavailable(Exception):
    """No data dictionary is declared, or it cannot be fetched or read.

    `untested`: the request was never answered (not sent because the run's time budget was spent, or the
    connection failed or timed out), so nothing is known of the dictionary: an error, not the supplier's failure.
    """

    def __init__(self, reason: str, *, untested: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.untested = untested


Dictionary = dict[str, dict[str, dict[str, Any]]]  # entity -> column name -> its entry ({} for a bare name)

# The keys the common dictionary shapes use for a column's type, its meaning and its code list.
TYPE_KEYS = ("type", "data_type", "datatype", "dataType", "format")
MEANING_KEYS = ("description", "definition", "meaning")
CODE_KEYS = ("codelist", "code_list", "codeList", "codes", "enum", "values", "allowed_values")


def load_dictionary(ctx: Any) -> Dictionary:
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


def parse_dictionary(body: Any) -> Dictionary:
    """`{entity: {column: entry}}` from `{entities: {E: {columns|fields: [...]}}}`, `{E: [...]}`, `[{entity, columns}]` and the like."""
    if isinstance(body, dict) and isinstance(body.get("entities"), dict | list):
        body = body["entities"]
    out: Dictionary = {}
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


def _names(spec: Any) -> dict[str, dict[str, Any]]:
    """Column name -> its entry: a list of names or of {name, ...} entries, or a mapping of name -> entry."""
    if isinstance(spec, list):
        return {str(c.get("name")) if isinstance(c, dict) else str(c): c if isinstance(c, dict) else {} for c in spec if isinstance(c, dict | str)}
    if isinstance(spec, dict):
        return {str(k): v if isinstance(v, dict) else {} for k, v in spec.items()}
    return {}


def _given(entry: dict[str, Any], keys: tuple[str, ...]) -> bool:
    """Whether `entry` gives a non-empty value under one of `keys`."""
    return any(entry.get(k) not in (None, "", [], {}) for k in keys)


def undefined(dictionary: Dictionary, entity: str, columns: tuple[str, ...], coded: Callable[[str, dict[str, Any]], bool]) -> dict[str, list[str]]:
    """The columns of `entity` the dictionary names but does not define, each with what its entry lacks.

    A definition gives the column's type and its meaning, and, when `coded(column, entry)` says the
    field takes codes, the code list. A column named only through nested entries (`address.line1`)
    is judged by those entries, so it is not listed here.
    """
    entries = dictionary.get(entity, {})
    out: dict[str, list[str]] = {}
    for column in columns:
        entry = entries.get(column)
        if entry is None:
            continue
        lacks = [what for what, keys in (("type", TYPE_KEYS), ("meaning", MEANING_KEYS)) if not _given(entry, keys)]
        if coded(column, entry) and not _given(entry, CODE_KEYS):
            lacks.append("code list")
        if lacks:
            out[column] = lacks
    return out


def coded_in_standard(entity: str, fields: dict[str, str]) -> Callable[[str, dict[str, Any]], bool]:
    """Whether a column of `entity` takes codes: the standard field it stands for has a code list (an enum).

    The standard field is the entry's `standard` pointer, else the one the declaration maps to the
    column (`fields`: standard pointer -> supplier pointer), else the field of the column's own name.
    """
    try:
        specs = load_standards().fields(entity)
    except Exception:  # noqa: BLE001 - an entity the bundled standard lacks has no coded fields to ask for
        specs = {}
    by_supplier = {supplier: standard for standard, supplier in fields.items()}

    def coded(column: str, entry: dict[str, Any]) -> bool:
        pointer = entry.get("standard") if isinstance(entry.get("standard"), str) and str(entry["standard"]).startswith("/") else None
        spec = specs.get(pointer or by_supplier.get(f"/{column}") or f"/{column}")
        codes = spec.enum if spec is not None and spec.enum is not None else spec.items.enum if spec is not None and spec.items is not None else None
        return codes is not None and len(codes) > 1  # a constant (currency: GBP) is not a code list

    return coded


def undocumented(dictionary: Dictionary, entity: str, columns: tuple[str, ...]) -> list[str]:
    """The columns of `entity` the dictionary does not name (all of them when the entity is absent)."""
    known = dictionary.get(entity, {})
    prefixes = tuple(k.split(sep, 1)[0] for k in known for sep in (".", "/", "[") if sep in k)
    return [c for c in columns if c not in known and c not in prefixes]


def absent(dictionary: Dictionary, entity: str, columns: tuple[str, ...]) -> list[str]:
    """The columns the dictionary names for `entity` that `columns` (a CSV header) lacks.

    A nested name (`address.line1`, `address/uprn`, `items[0]`) is present when its top-level column is.
    """
    have = set(columns)
    return sorted(n for n in dictionary.get(entity, {}) if n not in have and re.split(r"[./\[]", n, maxsplit=1)[0] not in have)
