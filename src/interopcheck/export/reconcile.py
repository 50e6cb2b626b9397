"""Reconciling an export with itself and with the API: unique ids, references, counts, round-trips, incremental.

Ids are kept as 64-bit hashes in `array('q')`, sorted in runs and merged at the end, so a million
records cost 8 bytes an id, not a Python string (or int) each. Hashes are only compared within one run.
"""

from __future__ import annotations

import bisect
import heapq
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def id_hash(value: str) -> int:
    """A 64-bit hash of an id, stable within the process (Python's own string hash)."""
    return hash(value)


RUN = 1 << 18  # ids sorted in runs of this size, so sorting never makes a Python list of every id


@dataclass(frozen=True)
class IdIndex:
    """The sorted id hashes of an entity's export, with its duplicates counted."""

    hashes: array  # array('q'), sorted, duplicates kept
    duplicates: int  # records whose id was already seen

    def __contains__(self, value: int) -> bool:
        at = bisect.bisect_left(self.hashes, value)
        return at < len(self.hashes) and self.hashes[at] == value

    def __len__(self) -> int:
        return len(self.hashes)


class IdsBuilder:
    """Collects id hashes in sorted runs and merges them at the end (8 bytes an id, twice at most)."""

    def __init__(self) -> None:
        self.runs: list[array] = []
        self.current = array("q")

    def append(self, value: int) -> None:
        """Add one id hash."""
        self.current.append(value)
        if len(self.current) >= RUN:
            self.close_run()

    def close_run(self) -> None:
        """Sort the current run and start a new one (callers appending to `current` directly call this at RUN)."""
        self.runs.append(array("q", sorted(self.current)))
        self.current = array("q")

    def finish(self) -> IdIndex:
        """The merged, sorted index with its duplicate count."""
        self.close_run()
        runs, self.runs = self.runs, []
        merged = runs[0] if len(runs) == 1 else array("q", heapq.merge(*runs))
        del runs
        dups = 0
        prev = None
        for value in merged:
            if value == prev:
                dups += 1
            prev = value
        return IdIndex(merged, dups)


def build_index(hashes: Iterable[int]) -> IdIndex:
    """An IdIndex of `hashes` (for tests and small sets)."""
    builder = IdsBuilder()
    for value in hashes:
        builder.append(value)
    return builder.finish()


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
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() // 1)


def rfc3339(seconds: int) -> str:
    """Whole UTC seconds as `2026-11-01T12:00:00Z`."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pick_since(updated: Iterable[int]) -> int | None:
    """A cut-off T leaving roughly the newest tenth of the sampled update times (small but not empty)."""
    ordered = sorted(updated)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, (len(ordered) * 9) // 10)]


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
