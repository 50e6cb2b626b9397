"""Field rules of the supplier declaration: value maps, constants and named transforms.

A `fields` entry of an entity is either a supplier pointer (`/uprn: /uprnNumber`) or an object
(see docs/CONTRACTS.md, "The supplier declaration"):

    /tenancy_type: {from: /tenancyKind, values: {AST: 4, SEC: 7}}   # supplier code -> national code
    /local_authority: {constant: E09000012}                         # the council's own constant
    /start_date: {from: /startedAt, transform: date}                # a named transform
    /full_name: {from: [/given, /family], transform: join}          # several pointers, joined

`from` is read, the `transform` applied, then the `values` map. This module parses and checks those
entries (`parse_rule`, raising `DeclarationError` with file:line) and holds the transform registry.
The compiled per-record mapper is in `interopcheck.declaration_mapper`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interopcheck.errors import DeclarationError
from interopcheck.pointers import MISSING, tokens_get, tokens_of

_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[Tt ].*)?$")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


def _date(value: Any) -> Any:
    """`date`: an RFC 3339 date-time -> its date part as written ("2026-03-01T09:30:00+01:00" -> "2026-03-01")."""
    if value.__class__ is str and (m := _DATE_TIME.match(value)):
        return m.group(1)
    return value


def _join(values: list[Any]) -> Any:
    """`join`: the non-empty values of the `from` pointers joined by one space (["Ann", null, "Lee"] -> "Ann Lee")."""
    parts = [str(v).strip() for v in values if v is not MISSING and v is not None]
    text = " ".join(p for p in parts if p)
    return text if text else MISSING


def _first_word(value: Any) -> Any:
    """`first-word`: the first word of a text ("Mary Ann Smith" -> "Mary")."""
    if value.__class__ is not str:
        return value
    words = value.split()
    return words[0] if words else value


def _after_first_word(value: Any) -> Any:
    """`after-first-word`: the rest of a text after its first word ("Mary Ann Smith" -> "Ann Smith"); absent for one word."""
    if value.__class__ is not str:
        return value
    words = value.split(None, 1)
    return words[1].strip() if len(words) > 1 else MISSING


def _boolean(value: Any) -> Any:
    """`boolean`: true/false, "yes"/"no", "Y"/"N", 1/0 -> a JSON boolean, for `values: {true: 1, false: 2}` to code."""
    if value is True or value is False:
        return value
    if value.__class__ in (str, int):
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return value


@dataclass(frozen=True)
class Transform:
    """One named transform: what it does (with an example), its function, and what the entry must give with it."""

    name: str
    doc: str
    fn: Callable[[Any], Any]
    many: bool = False  # `from` is a list of pointers
    needs_values: bool = False  # a `values` map with true and false keys
    needs_item: bool = False  # an `item` pointer


def _ids_placeholder(value: Any) -> Any:  # the real work needs the entry's `item` pointer: see `apply_transform`
    return value


TRANSFORMS: dict[str, Transform] = {
    t.name: t
    for t in (
        Transform("date", _date.__doc__ or "", _date),
        Transform("join", _join.__doc__ or "", _join, many=True),
        Transform("first-word", _first_word.__doc__ or "", _first_word),
        Transform("after-first-word", _after_first_word.__doc__ or "", _after_first_word),
        Transform("boolean", _boolean.__doc__ or "", _boolean, needs_values=True),
        Transform(
            "ids",
            '`ids`: a list of objects -> the list of their ids at `item` ([{"personId": "P1"}] with item /personId -> ["P1"]).',
            _ids_placeholder,
            needs_item=True,
        ),
    )
}


def value_text(value: Any) -> str | None:
    """The string form map keys and values are matched by: strings as written, numbers in decimal (1.0 is "1"),
    booleans "true"/"false", null "null"; None for lists and objects (never matched)."""
    cls = value.__class__
    if cls is str:
        return value  # type: ignore[no-any-return]
    if cls is bool:
        return "true" if value else "false"
    if cls is int:
        return str(value)
    if cls is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return "null"
    return None


@dataclass(frozen=True)
class FieldRule:
    """One object entry of `fields`: where the value comes from (or a constant), a transform, a value map.

    `values` holds (key, target) pairs as declared; `table` is the same map keyed by `value_text(key)`.
    """

    standard: str
    source: str | tuple[str, ...] | None = None  # `from`: one pointer, or several for `join`
    constant: Any = MISSING
    transform: str | None = None
    values: tuple[tuple[Any, Any], ...] = ()
    item: str | None = None

    @property
    def has_constant(self) -> bool:
        """Whether the entry is a constant (`constant:`, no `from`)."""
        return self.constant is not MISSING

    @property
    def table(self) -> dict[str, Any]:
        """The value map keyed by the string form of each key (see `value_text`)."""
        return {value_text(k): v for k, v in self.values}  # type: ignore[misc]

    @property
    def converts(self) -> bool:
        """Whether the standard value is not the supplier's value as it is (a constant, a transform or a value map)."""
        return self.has_constant or self.transform is not None or bool(self.values)


def apply_transform(rule: FieldRule) -> Callable[[Any], Any] | None:
    """The function for `rule.transform` (None without one); `ids` gets the entry's `item` pointer."""
    if rule.transform is None:
        return None
    if rule.transform == "ids":
        item = tokens_of(rule.item or "")

        def ids(value: Any) -> Any:
            if value.__class__ is not list:
                return value
            out = []
            for element in value:
                found = tokens_get(element, item)
                out.append(None if found is MISSING else found)  # null, so the standard's validation reports it
            return out

        return ids
    return TRANSFORMS[rule.transform].fn


_SCALARS = (str, int, float, bool)


def parse_rule(standard: str, spec: Any, where: Callable[[list[str | int]], str]) -> str | FieldRule:
    """One `fields` entry as declared: a supplier pointer string, or a checked `FieldRule`.

    `where(path)` gives "file:line" of `path` below the entry (for errors). Raises `DeclarationError`
    for an unknown transform (with the closest names), a `from` of the wrong shape for its transform,
    a missing `item` or `values`, a map key that is not a scalar and two keys with the same string form.
    """
    if isinstance(spec, str):
        return spec
    if not isinstance(spec, dict):  # the schema refuses this first when the file is validated
        raise DeclarationError(f"{where([])}: the field entry for {standard} must be a supplier pointer or an object with from/constant")
    transform = spec.get("transform")
    if transform is not None and transform not in TRANSFORMS:
        close = difflib.get_close_matches(str(transform), list(TRANSFORMS), n=3, cutoff=0.5)
        mean = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise DeclarationError(
            f"{where(['transform'])}: {standard}: unknown transform {transform!r}{mean}",
            hint="the transforms are " + ", ".join(TRANSFORMS) + " (docs/CONTRACTS.md, 'The supplier declaration')",
        )
    kind = TRANSFORMS.get(transform) if transform else None
    source = spec.get("from")
    if "constant" in spec:
        if source is not None or transform is not None or spec.get("values"):
            raise DeclarationError(f"{where(['constant'])}: {standard}: a constant stands alone (no from, transform or values)")
        return FieldRule(standard, constant=spec["constant"])
    if kind is not None and kind.many:
        if not isinstance(source, list) or not source:
            raise DeclarationError(f"{where(['from'])}: {standard}: transform {transform} needs `from` to be a list of pointers",
                                   hint="e.g. from: [/givenName, /familyName]")
    elif not isinstance(source, str):
        raise DeclarationError(f"{where(['from'])}: {standard}: `from` must be one supplier pointer"
                               + (" (a list needs transform join)" if isinstance(source, list) else ""))
    if (kind is not None and kind.needs_item) != ("item" in spec):
        raise DeclarationError(f"{where(['item'])}: {standard}: `item` (the pointer to each element's id) goes with transform ids, and only with it")
    values = _values(standard, spec.get("values"), where)
    if kind is not None and kind.needs_values and not {"true", "false"} <= {value_text(k) for k, _ in values}:
        raise DeclarationError(f"{where(['values'])}: {standard}: transform boolean needs `values` with a code for true and for false",
                               hint="e.g. values: {true: 1, false: 2}")
    return FieldRule(standard, tuple(source) if isinstance(source, list) else source, transform=transform, values=values, item=spec.get("item"))


def _values(standard: str, raw: Any, where: Callable[[list[str | int]], str]) -> tuple[tuple[Any, Any], ...]:
    """The value map's pairs, refusing keys that are not scalars and keys with the same string form."""
    if raw is None:
        return ()
    seen: dict[str, Any] = {}
    for key in raw:
        text = value_text(key) if isinstance(key, _SCALARS) else None
        if text is None:
            raise DeclarationError(f"{where(['values'])}: {standard}: map key {key!r} is not a string, number or boolean",
                                   hint="quote the key (a YAML date or null key is not a supplier value)")
        if text in seen:
            raise DeclarationError(f"{where(['values', str(key)])}: {standard}: map keys {seen[text]!r} and {key!r} are the same value written two ways",
                                   hint="keys are matched by their string form; keep one")
        seen[text] = key
    return tuple(raw.items())
