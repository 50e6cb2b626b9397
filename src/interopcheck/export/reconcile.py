"""Reconciling an export with itself and with the API: unique ids, references, counts, round-trips, incremental.

Ids are kept as 64-bit hashes spilled to disk in hash-range buckets (`export.idspill`), so memory
stays flat as exports grow. Hashes are only compared within one run (Python's string hash is per process,
or per hash seed: the worker processes of `export.workers` share one, so their hashes compare).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from interopcheck.export.idspill import RUN, SpillIndex as IdIndex, spill_index
from interopcheck.export.idspill import SpillBuilder as IdsBuilder

__all__ = ["RUN", "IdIndex", "IdsBuilder", "build_index"]


def id_hash(value: str) -> int:
    """A 64-bit hash of an id, stable within the process (Python's own string hash)."""
    return hash(value)


def build_index(hashes: Iterable[int]) -> IdIndex:
    """An IdIndex (spilled to disk) of `hashes`, its duplicates counted (for tests and small sets)."""
    return spill_index(hashes)


def sorted_difference(left: array, right: array) -> tuple[int, int]:
    """(in left only, in right only) counts of distinct values of two sorted hash arrays."""
    i = j = only_left = only_right = 0
    a, b = left, right
    while i < len(a) and j < len(b):
        x, y = a[i], b[j]
        if x == y:
            while i < len(a) and a[i] == x:
                i += 1
            while j < len(b) and b[j] == y:
                j += 1
        elif x < y:
            only_left += 1
            while i < len(a) and a[i] == x:
                i += 1
        else:
            only_right += 1
            while j < len(b) and b[j] == y:
                j += 1
    only_left += len(set(a[i:]))
    only_right += len(set(b[j:]))
    return only_left, only_right


def epoch_seconds(value: Any) -> int | None:
    """RFC 3339 `updated_at` as whole UTC seconds (naive times read as UTC), or None when unreadable."""
    t = epoch_time(value)
    return None if t is None else int(t // 1)


def epoch_time(value: Any) -> float | None:
    """RFC 3339 `updated_at` as UTC epoch seconds, its fraction kept (naive times read as UTC), or None when unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


_FRACTION = re.compile(r":\d\d[.,](\d+)")


def fraction_digits(value: Any) -> int:
    """How many digits of a second an RFC 3339 stamp gives (0 for whole seconds)."""
    found = _FRACTION.search(value) if isinstance(value, str) else None
    return len(found.group(1)) if found else 0


def rfc3339(seconds: float) -> str:
    """UTC epoch seconds as `2026-11-01T12:00:00Z`, with the fraction when there is one (`...:59.5Z`, to the microsecond)."""
    whole, micros = divmod(round(seconds * 1_000_000), 1_000_000)
    text = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{micros:06d}".rstrip("0") if micros else "") + "Z"


def pick_since(updated: Iterable[float]) -> float | None:
    """The update time leaving roughly the newest tenth of the sampled ones at or after it (small but not empty)."""
    ordered = sorted(updated)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, (len(ordered) * 9) // 10)]


def cut_off(t: float, digits: int) -> float:
    """A cut-off T just before update time `t`: half a unit of the stamps' precision (10**-digits s) earlier.

    No stamp of that precision equals T, so a supplier reading `since=T` as "after T" (FHIR `_since`)
    and one reading it as "at or after T" return the same records: those updated after T.
    """
    return t - 0.5 / 10 ** min(digits, 5)


def records_equal(export_record: Any, api_record: Any) -> list[str]:
    """The top-level fields where the two standard-shaped records differ (empty when equal)."""
    if not isinstance(export_record, dict) or not isinstance(api_record, dict):
        return [] if export_record == api_record else [""]
    keys = sorted(set(export_record) | set(api_record))
    return [f"/{k}" for k in keys if _norm(export_record.get(k)) != _norm(api_record.get(k))]


def _norm(value: Any) -> Any:
    """Numbers compare by value (1 == 1.0); everything else as is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value
