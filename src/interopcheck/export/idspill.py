"""Id hashes spilled to disk in hash-range buckets, so memory stays flat however large the export.

Hashes are buffered in a small `array('q')` run; a full run is sorted and cut into `BUCKETS` ranges
of the 64-bit hash space (by its top bits), each slice appended to one unnamed temporary file (gone
when closed, garbage-collected or the process ends, also on error). Uniqueness, membership and set
differences are then worked out one bucket at a time: memory is about n / BUCKETS hashes, not n.
"""

from __future__ import annotations

import bisect
import os
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

RUN = 1 << 16  # hashes buffered before a sort-and-spill (512 KB)
BUCKET_BITS = 6
BUCKETS = 1 << BUCKET_BITS
_SHIFT = 64 - BUCKET_BITS
_STARTS = [(p - BUCKETS // 2) << _SHIFT for p in range(BUCKETS)]  # lowest signed hash of each bucket
_ITEM = array("q").itemsize


class SpillIndex:
    """A finished set of id hashes on disk: count, duplicates, per-bucket reads (sorted), membership."""

    def __init__(self, file: Any, segments: list[list[tuple[int, int]]], count: int) -> None:
        self._file = file
        self._segments = segments  # per bucket: (byte offset, number of hashes)
        self.count = count
        self.duplicates = 0

    def bucket(self, p: int) -> array:
        """The hashes of bucket `p`, sorted (duplicates kept)."""
        out = array("q")
        fd = self._file.fileno()
        for offset, n in self._segments[p]:
            out.frombytes(os.pread(fd, n * _ITEM, offset))
        if len(self._segments[p]) > 1:
            out = array("q", sorted(out))
        return out

    def count_duplicates(self) -> int:
        """Records whose id hash was already seen (computed once per bucket)."""
        dups = 0
        for p in range(BUCKETS):
            values = self.bucket(p)
            dups += len(values) - len(set(values))
        self.duplicates = dups
        return dups

    def missing_from(self, target: SpillIndex) -> int:
        """How many of these hashes (with repeats) are not in `target` (references -> orphans)."""
        missing = 0
        for p in range(BUCKETS):
            values = self.bucket(p)
            if values:
                known = set(target.bucket(p))
                missing += len(values) - sum(map(known.__contains__, values))
        return missing

    def difference(self, other: SpillIndex) -> tuple[int, int]:
        """(distinct hashes only here, distinct hashes only in `other`)."""
        only_self = only_other = 0
        for p in range(BUCKETS):
            a, b = set(self.bucket(p)), set(other.bucket(p))
            only_self += len(a - b)
            only_other += len(b - a)
        return only_self, only_other

    def __contains__(self, value: int) -> bool:
        values = self.bucket((value >> _SHIFT) + BUCKETS // 2)
        at = bisect.bisect_left(values, value)
        return at < len(values) and values[at] == value

    def __iter__(self) -> Iterator[int]:
        """Every hash in ascending order (buckets are ascending hash ranges)."""
        for p in range(BUCKETS):
            yield from self.bucket(p)

    def __len__(self) -> int:
        return self.count

    def close(self) -> None:
        """Drop the temporary file now (it is also dropped when this index is garbage-collected)."""
        self._file.close()


class SpillBuilder:
    """Collects id hashes; callers append to `current` and call `close_run()` at RUN, or use `append`."""

    def __init__(self, directory: str | None = None) -> None:
        self.current = array("q")
        self._directory = directory
        self._file: Any = None
        self._segments: list[list[tuple[int, int]]] = [[] for _ in range(BUCKETS)]
        self._offset = 0
        self.count = 0

    def append(self, value: int) -> None:
        """Add one id hash."""
        self.current.append(value)
        if len(self.current) >= RUN:
            self.close_run()

    def extend(self, values: Iterable[int]) -> None:
        """Add many id hashes."""
        for value in values:
            self.append(value)

    def close_run(self) -> None:
        """Sort the buffered run and append its bucket slices to the temporary file."""
        if not self.current:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="interopcheck-ids-", dir=self._directory)
        ordered = sorted(self.current)
        self.count += len(ordered)
        self.current = array("q")
        fd = self._file.fileno()
        start = 0
        for p in range(BUCKETS):
            end = bisect.bisect_left(ordered, _STARTS[p + 1], start) if p + 1 < BUCKETS else len(ordered)
            if end > start:
                data = array("q", ordered[start:end]).tobytes()
                os.pwrite(fd, data, self._offset)
                self._segments[p].append((self._offset, end - start))
                self._offset += len(data)
            start = end
        del ordered

    def finish(self, *, duplicates: bool = True) -> SpillIndex:
        """The finished index (with its duplicates counted unless `duplicates` is False)."""
        self.close_run()
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="interopcheck-ids-", dir=self._directory)
        index = SpillIndex(self._file, self._segments, self.count)
        self._file = None
        if duplicates:
            index.count_duplicates()
        return index


def spill_index(values: Iterable[int], *, duplicates: bool = True) -> SpillIndex:
    """A SpillIndex of `values` (tests and small sets)."""
    builder = SpillBuilder()
    builder.extend(values)
    return builder.finish(duplicates=duplicates)
