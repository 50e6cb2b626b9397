"""The compiled per-record mapper of one entity's field mapping, and the tally of values its value maps did not cover.

`EntityMapping.mapper()` builds a `RecordMapper` once per scan or sample; it reads each field by
its pre-split pointer, applies the entry's transform and value map, and notes every value the map
does not cover in an `UnmappedTally` (kept as it is in the mapped record, so the standard's
validation still judges it). `unmapped()` freezes the tally into `UnmappedValue`s, which travel
back from export worker processes inside the pickled validation summary (one worker scans an
entity's whole export, so its tally is the entity's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from interopcheck.declaration_rules import FieldRule, apply_transform, value_text
from interopcheck.pointers import MISSING, tokens_get, tokens_of, tokens_set, tokens_set_copy

#: Distinct unmapped values kept per field; further ones are counted together (free text must not fill memory).
MAX_VALUES_PER_FIELD = 100


@dataclass(frozen=True)
class UnmappedValue:
    """A supplier value the declaration's value map for `field` does not cover: how many records had it, the first one's id.

    `other` marks the one entry per field that counts the values beyond `MAX_VALUES_PER_FIELD` (its `value` is None).
    """

    field: str
    value: Any
    count: int
    first_id: str | None
    other: bool = False

    @property
    def message(self) -> str:
        """The finding's sentence."""
        first = f", first in record {self.first_id}" if self.first_id is not None else ""
        what = "other values" if self.other else f"value {self.value!r}"
        return f"{self.field}: {what} not in the declaration's value map ({self.count} record(s){first}); kept as sent"


class UnmappedTally:
    """Counts, per standard field and value, the values a value map did not cover (first record id kept)."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, str, str], list[Any]] = {}  # (field, type, text) -> [value, count, first id]
        self._per_field: dict[str, int] = {}
        self._other: dict[str, list[Any]] = {}

    def add(self, field: str, value: Any, record_id: str | None) -> None:
        """Note one record whose `field` held `value`."""
        key = (field, value.__class__.__name__, value_text(value) if value_text(value) is not None else repr(value))
        entry = self._values.get(key)
        if entry is not None:
            entry[1] += 1
        elif self._per_field.get(field, 0) < MAX_VALUES_PER_FIELD:
            self._per_field[field] = self._per_field.get(field, 0) + 1
            self._values[key] = [value, 1, record_id]
        else:
            other = self._other.setdefault(field, [0, record_id])
            other[0] += 1

    def freeze(self) -> tuple[UnmappedValue, ...]:
        """The tally as frozen values, by field and then most frequent first."""
        found = [UnmappedValue(k[0], v, n, rid) for k, (v, n, rid) in self._values.items()]
        found += [UnmappedValue(f, None, n, rid, other=True) for f, (n, rid) in self._other.items()]
        return sort_unmapped(found)


def sort_unmapped(found: Iterable[UnmappedValue]) -> tuple[UnmappedValue, ...]:
    """By field, the counted "other values" last, then most frequent first."""
    return tuple(sorted(found, key=lambda u: (u.field, u.other, -u.count, repr(u.value))))


def _getter(source: str | tuple[str, ...]) -> Callable[[Any], Any]:
    """A function reading `source` (one pointer, or a list of them) from a record."""
    if isinstance(source, tuple):
        getters = [_getter(p) for p in source]
        return lambda record: [g(record) for g in getters]
    tokens = tokens_of(source)
    if len(tokens) == 1:
        token = tokens[0]
        return lambda record: record.get(token, MISSING) if record.__class__ is dict else tokens_get(record, tokens)
    return lambda record: tokens_get(record, tokens)


class RecordMapper:
    """One entity's mapping compiled for a loop over records; call it with a supplier record.

    Steps run in declaration order: read (`from` or the constant), transform, map the value;
    absent values (and nulls, for value maps) are left alone. With `identity`, the record is copied
    and only the declared fields are replaced, so the supplier's other fields stay as they are.
    """

    def __init__(self, fields: dict[str, str], rules: dict[str, FieldRule], *, identity: bool, id_field: str) -> None:
        self.identity = identity
        self._id = tokens_of(id_field)
        self.tally = UnmappedTally()
        self._steps: list[tuple[str, tuple[str, ...], Callable[[Any], Any], Callable[[Any], Any] | None, dict[str, Any] | None]] = []
        for standard in dict.fromkeys([*fields, *rules]):
            rule = rules.get(standard)
            if rule is None:
                self._steps.append((standard, tokens_of(standard), _getter(fields[standard]), None, None))
            elif rule.has_constant:
                constant = rule.constant
                self._steps.append((standard, tokens_of(standard), lambda _r, c=constant: c, None, None))
            else:
                assert rule.source is not None
                self._steps.append((standard, tokens_of(standard), _getter(rule.source), apply_transform(rule), rule.table or None))

    def __call__(self, record: Any) -> Any:
        """`record` in the standard's shape."""
        if self.identity:
            if record.__class__ is not dict:
                return record
            out = dict(record)
            put = tokens_set_copy
        else:
            out = {}
            put = tokens_set
        missed: list[tuple[str, Any]] = []
        for standard, tokens, get, transform, table in self._steps:
            value = get(record)
            if transform is not None:
                value = transform(value)
            if value is MISSING:
                continue
            if table is not None and value is not None:
                value = _mapped(standard, table, value, missed)
            if len(tokens) == 1 and not self.identity:
                out[tokens[0]] = value
            else:
                put(out, tokens, value)
        if missed:
            rid = out.get("id", MISSING) if out.__class__ is dict else MISSING
            if rid is MISSING or rid is None:
                rid = tokens_get(record, self._id)  # the standard id, else the supplier's own
            for standard, value in missed:
                self.tally.add(standard, value, None if rid is MISSING or rid is None else str(rid))
        return out

    def unmapped(self) -> tuple[UnmappedValue, ...]:
        """The values seen so far that the value maps did not cover."""
        return self.tally.freeze()


def _mapped(standard: str, table: dict[str, Any], value: Any, missed: list[tuple[str, Any]]) -> Any:
    """`value` through the map (each element of a list); an uncovered value is noted in `missed` and kept."""
    if value.__class__ is str:
        hit = table.get(value, MISSING)  # a string's text is itself
        if hit is not MISSING:
            return hit
    elif value.__class__ is list:
        return [_mapped(standard, table, v, missed) if v is not None else v for v in value]
    else:
        text = value_text(value)
        if text is not None and text in table:
            return table[text]
    missed.append((standard, value))
    return value


def identity_mapper(record: Any) -> Any:
    """The mapper of `mapping: identity` without field entries: the record itself."""
    return record
