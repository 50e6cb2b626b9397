"""Per-record validation of an export against the standard: every record, never stopping at the first failure.

The compiled validator's `.is_valid()` is the fast path; `.errors()` runs only for the records that
fail, and only the first `keep` failures are kept in full, so a million bad records cost counts, not memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from interopcheck.declaration import UnmappedValue
from interopcheck.declaration_mapper import RecordMapper, identity_mapper


class RecordValidator(Protocol):
    """What `ctx.standards.validator(entity)` returns (see docs/CONTRACTS.md)."""

    def is_valid(self, record: Any) -> bool:
        """Whether `record` conforms (the fast path)."""
        ...

    def errors(self, record: Any) -> list[Any]:
        """Every error as RecordError(pointer, message, kind)."""
        ...


@dataclass(frozen=True)
class RecordFailure:
    """One failed record: where it is in the export, its id, and each error as (pointer, message, kind)."""

    line: int
    id: str | None
    errors: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class ValidationSummary:
    """The outcome for one entity's export: N of M failed, the first failures, counts per error kind."""

    entity: str
    records: int
    failed: int
    failures: tuple[RecordFailure, ...]
    kinds: dict[str, int]
    unmapped: tuple[UnmappedValue, ...] = ()  # values the declaration's value maps did not cover (see declaration_mapper)

    @property
    def headline(self) -> str:
        """`N of M records failed`, the sentence reports show."""
        return f"{self.failed} of {self.records} {self.entity} records failed validation against the standard"


@dataclass
class Validating:
    """The accumulator a scan feeds each mapped record into; `summary()` freezes it."""

    entity: str
    validator: RecordValidator
    keep: int = 20
    records: int = 0
    failed: int = 0
    failures: list[RecordFailure] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)

    def feed(self, line: int, record: Any) -> bool:
        """Validate one standard-shaped record; True when it is valid."""
        self.records += 1
        if self.validator.is_valid(record):
            return True
        self.failure(line, record)
        return False

    def failure(self, line: int, record: Any) -> None:
        """Record a record the fast path found invalid: count it, and keep its errors while under `keep`."""
        self.failed += 1
        errors = self.validator.errors(record)
        found = tuple((_attr(e, "pointer", 0), _attr(e, "message", 1), _attr(e, "kind", 2)) for e in errors)
        for _, _, kind in found:
            self.kinds[kind] += 1
        if not found:
            self.kinds["invalid"] += 1
        if len(self.failures) < self.keep:
            rid = record.get("id") if isinstance(record, dict) else None
            self.failures.append(RecordFailure(line, rid if isinstance(rid, str) else None, found[:10]))

    def summary(self, records: int | None = None, mapper: Any = None) -> ValidationSummary:
        """The frozen result (`records`: the total when the caller counted them instead of `feed`; `mapper`: the
        scan's mapper, whose tally of values outside the value maps goes into the summary)."""
        total = self.records if records is None else records
        unmapped = mapper.unmapped() if isinstance(mapper, RecordMapper) else ()
        return ValidationSummary(self.entity, total, self.failed, tuple(self.failures), dict(self.kinds), unmapped)


def _attr(error: Any, name: str, position: int) -> str:
    """A RecordError field by name, or by position for tuples (stand-ins in tests use either)."""
    value = getattr(error, name, None)
    if value is None and isinstance(error, tuple) and len(error) > position:
        value = error[position]
    return str(value) if value is not None else ""


def mapper_for(ctx_declaration: Any, entity: str) -> Callable[[Any], Any] | None:
    """A fresh mapper of the declaration for `entity` (its own tally of unmapped values); None for the identity
    (undeclared, or `mapping: identity` with no field entries)."""
    mapping = ctx_declaration.entities.get(entity) if ctx_declaration is not None else None
    if mapping is None:
        return None
    mapper = mapping.mapper()
    return None if mapper is identity_mapper else mapper
