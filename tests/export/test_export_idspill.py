"""The spill-to-disk id index: uniqueness, dangling references and differences found across many runs and buckets."""

from __future__ import annotations

import os

from interopcheck.export import idspill
from interopcheck.export.idspill import SpillBuilder, spill_index


def _ids(prefix: str, n: int) -> list[int]:
    return [hash(f"{prefix}-{i}") for i in range(n)]


def test_duplicates_found_across_runs(monkeypatch) -> None:
    monkeypatch.setattr(idspill, "RUN", 50)
    values = _ids("p", 1000)
    index = spill_index(values + values[10:13] + values[990:991] + [values[0], values[0]])
    assert len(index) == 1006 and index.duplicates == 6
    assert list(index) == sorted(index)  # ascending across buckets
    assert values[500] in index and hash("p-1000") not in index


def test_dangling_references_counted_with_repeats(monkeypatch) -> None:
    monkeypatch.setattr(idspill, "RUN", 64)
    targets = spill_index(_ids("t", 700))
    refs = _ids("t", 700)[::3] + _ids("gone", 25) + [hash("gone-0")] * 4 + _ids("t", 5)
    found = spill_index(refs, duplicates=False)
    assert found.missing_from(targets) == 29
    assert spill_index([], duplicates=False).missing_from(targets) == 0


def test_difference_counts_distinct_values(monkeypatch) -> None:
    monkeypatch.setattr(idspill, "RUN", 33)
    a = spill_index(_ids("x", 300) + _ids("only-a", 7) * 2)
    b = spill_index(_ids("x", 300) + _ids("only-b", 11))
    assert a.difference(b) == (7, 11)


def test_memory_is_a_run_and_the_file_goes_away(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(idspill, "RUN", 100)
    builder = SpillBuilder(directory=str(tmp_path))
    for value in _ids("m", 1050):
        builder.append(value)
        assert len(builder.current) < 100
    index = builder.finish()
    assert index.count == 1050 and index.duplicates == 0
    assert os.listdir(tmp_path) == []  # unnamed temporary file: nothing left behind, even on a crash
    fd = index._file.fileno()
    index.close()
    assert index._file.closed and fd >= 0


def test_buckets_partition_the_hash_space() -> None:
    extremes = [-(2**63), -1, 0, 1, 2**63 - 1, 2**62, -(2**62)]
    index = spill_index(extremes)
    assert list(index) == sorted(extremes)
    assert sum(len(index.bucket(p)) for p in range(idspill.BUCKETS)) == len(extremes)
