"""Id hashes spilled to disk in hash-range buckets, so memory stays flat however large the export.

Hashes are buffered in a small `array('q')` run; a full run is partitioned into `BUCKETS` ranges
of the 64-bit hash space (by its top bits; no sort, which cost 3x the partition), each slice appended to one unnamed temporary file (gone
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
_ITEM = array("q").itemsize


class SpillIndex:
    """A finished set of id hashes on disk: count, duplicates, per-bucket reads (sorted), membership."""

    def __init__(self, file: Any, segments: list[list[tuple[int, int]]], count: int) -> None:
        self._file = file
        self._segments = segments  # per bucket: (byte offset, number of hashes)
        self.count = count
        self.duplicates = 0

    def bucket(self, p: int, *, ordered: bool = True) -> array:
        """The hashes of bucket `p` (duplicates kept), sorted unless `ordered` is False (set-based callers)."""
        out = array("q")
        fd = self._file.fileno()
        for offset, n in self._segments[p]:
            out.frombytes(os.pread(fd, n * _ITEM, offset))
        return array("q", sorted(out)) if ordered and len(out) > 1 else out

    def count_duplicates(self) -> int:
        """Records whose id hash was already seen (computed once per bucket)."""
        dups = 0
        for p in range(BUCKETS):
            values = self.bucket(p, ordered=False)
            dups += len(values) - len(set(values))
        self.duplicates = dups
        return dups

    def missing_from(self, target: SpillIndex) -> int:
        """How many of these hashes (with repeats) are not in `target` (references -> orphans)."""
        missing = 0
        for p in range(BUCKETS):
            values = self.bucket(p, ordered=False)
            if values:
                known = set(target.bucket(p, ordered=False))
                missing += len(values) - sum(map(known.__contains__, values))
        return missing

    def difference(self, other: SpillIndex) -> tuple[int, int]:
        """(distinct hashes only here, distinct hashes only in `other`)."""
        only_self = only_other = 0
        for p in range(BUCKETS):
            a, b = set(self.bucket(p, ordered=False)), set(other.bucket(p, ordered=False))
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
        """Partition the buffered run by bucket and append its slices to the temporary file."""
        if not self.current:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="interopcheck-ids-", dir=self._directory)
        run, self.current = self.current, array("q")
        self.count += len(run)
        parts = [array("q") for _ in range(BUCKETS)]
        appends = [part.append for part in parts]
        half = BUCKETS // 2
        for value in run:
            appends[(value >> _SHIFT) + half](value)
        fd = self._file.fileno()
        for p, part in enumerate(parts):
            if part:
                data = part.tobytes()
                os.pwrite(fd, data, self._offset)
                self._segments[p].append((self._offset, len(part)))
                self._offset += len(data)

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
