"""Issue 19 items 5 and 8: an over-long CSV row is reported at its line, read no further than the cap; a NUL is not CSV text.

A CSV without line breaks (or one giant quoted row) used to be gathered whole before the csv module
saw it: quadratic time and memory growing with the file. These tests feed a generated body and count
what the readers pulled from it and the memory they held, so "proportional to the cap, not the file"
is asserted without timing anything.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from interopcheck.export.csvscan import scan_csv
from interopcheck.export.readers import MAX_RECORD_BYTES, ReadProblem, read_csv
from interopcheck.export.scan import scan_records

CAP = 256 * 1024
CHUNK = 64 * 1024


class Source:
    """A generated body, chunk by chunk, counting the bytes handed out (what a reader pulled)."""

    def __init__(self, head: bytes, filler: bytes, total: int, tail: bytes = b"") -> None:
        self.head, self.filler, self.total, self.tail = head, filler, total, tail
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        yield self._count(self.head)
        block = (self.filler * (CHUNK // len(self.filler) + 1))[:CHUNK]
        sent = 0
        while sent < self.total:
            piece = block[: min(CHUNK, self.total - sent)]
            sent += len(piece)
            yield self._count(piece)
        if self.tail:
            yield self._count(self.tail)

    def _count(self, chunk: bytes) -> bytes:
        self.pulled += len(chunk)
        return chunk


def gzipped(source: Source) -> Iterator[bytes]:
    """The source's bytes gzip-compressed on the fly, flushed per chunk (so `pulled` is what the reader asked for)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    for chunk in source:
        yield packer.compress(chunk) + packer.flush(zlib.Z_SYNC_FLUSH)
    yield packer.flush()


def _csv_scan(chunks: Any) -> tuple[list[ReadProblem], bool]:
    scan = scan_csv("property", chunks, max_record_bytes=CAP)
    return list(scan.problems), scan.truncated


def _full_scan(chunks: Any) -> tuple[list[ReadProblem], bool]:
    scan = scan_records("property", "csv", chunks, validator=None, max_record_bytes=CAP)
    return list(scan.problems), scan.truncated


def _reader(chunks: Any) -> tuple[list[ReadProblem], bool]:
    problems = [item for item in read_csv(chunks, max_record_bytes=CAP) if isinstance(item, ReadProblem)]
    return problems, any(p.fatal for p in problems)


READERS: list[Callable[[Any], tuple[list[ReadProblem], bool]]] = [_csv_scan, _full_scan, _reader]


def _peak(fn: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_cap_is_generous_for_real_rows() -> None:
    assert MAX_RECORD_BYTES >= 1024 * 1024


@pytest.mark.parametrize("read", READERS, ids=["form-scan", "record-scan", "read_csv"])
def test_a_row_without_line_breaks_is_reported_at_its_line_reading_no_further_than_the_cap(read: Callable[[Any], Any]) -> None:
    source = Source(b"id,uprn\r\n1,100001\r\n", b"x", 100 * CAP)  # line 3 never ends
    (problems, truncated), peak = _peak(lambda: read(iter(source)))
    too_long = [p for p in problems if p.kind == "too-large"]
    assert too_long and too_long[0].line == 3, problems
    assert str(CAP) in too_long[0].message and "line 3" in too_long[0].message
    assert truncated  # the rest of the export was not read: the supplier's failure, not a pass
    assert source.pulled <= CAP + 3 * CHUNK  # time proportional to the cap, not the file
    assert peak < 24 * CAP, f"held {peak} bytes for a {CAP}-byte cap"  # short lines: a str object each; a field in 4-byte characters


@pytest.mark.parametrize("read", READERS[:2], ids=["form-scan", "record-scan"])  # read_csv takes plain bytes
def test_a_gzipped_single_line_export_stops_at_the_cap(read: Callable[[Any], Any]) -> None:
    source = Source(b"", b"a,", 100 * CAP)  # the header itself never ends
    (problems, truncated), peak = _peak(lambda: read(gzipped(source)))
    assert [p.line for p in problems if p.kind == "too-large"] == [1], problems
    assert truncated and source.pulled <= CAP + 3 * CHUNK
    assert peak < 24 * CAP, f"held {peak} bytes for a {CAP}-byte cap"  # short lines: a str object each; a field in 4-byte characters


@pytest.mark.parametrize("read", READERS, ids=["form-scan", "record-scan", "read_csv"])
def test_a_quoted_row_over_many_lines_is_capped_too(read: Callable[[Any], Any]) -> None:
    source = Source(b'id,note\r\n1,a\r\n2,"', b"line\r\n", 100 * CAP)  # row 3 is one quoted field that never closes
    (problems, truncated), peak = _peak(lambda: read(iter(source)))
    too_long = [p for p in problems if p.kind == "too-large"]
    assert too_long and too_long[0].line == 3, problems
    assert truncated and source.pulled <= CAP + 3 * CHUNK
    assert peak < 24 * CAP, f"held {peak} bytes for a {CAP}-byte cap"  # short lines: a str object each; a field in 4-byte characters


@pytest.mark.parametrize("read", READERS, ids=["form-scan", "record-scan", "read_csv"])
def test_rows_under_the_cap_are_read_as_before(read: Callable[[Any], Any]) -> None:
    row = b"2,\"" + b"y" * (CAP // 2) + b"\"\r\n"
    problems, truncated = read(iter([b"id,note\r\n1,a\r\n", row[:1000], row[1000:], b"3,b\r\n"]))
    assert problems == [] and not truncated


def test_the_gzip_body_of_the_hostile_case_is_small() -> None:
    """The hostile suite serves the same generator: 40 MB of one line is a few tens of KB on the wire."""
    source = Source(b"id,uprn\r\n", b"1,", 40 * 1024 * 1024)
    assert len(b"".join(gzipped(source))) < 200_000
    assert gzip.decompress(b"".join(gzipped(Source(b"h\n", b"z", 10)))) == b"h\n" + b"z" * 10


NUL_BODY = b'id,name,note\r\n1,a\x00b,x\r\n2,"q\x00",y\r\n3,c,d\r\n4,"two\r\nli\x00nes",z\r\n'


@pytest.mark.parametrize("size", [1, 7, 1 << 16])
@pytest.mark.parametrize("read", READERS, ids=["form-scan", "record-scan", "read_csv"])
def test_a_nul_in_a_field_is_reported_at_its_line(read: Callable[[Any], Any], size: int) -> None:
    """Item 8: RFC 4180 text has no NUL; the csv module reads one as any other character, so the readers look themselves."""
    problems, _ = read(iter([NUL_BODY[i : i + size] for i in range(0, len(NUL_BODY), size)]))
    nuls = [p for p in problems if "NUL" in p.message]
    assert [(p.kind, p.line) for p in nuls] == [("bad-csv", 2), ("bad-csv", 3), ("bad-csv", 6)], problems


def test_a_nul_fails_the_csv_check_in_a_long_row_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from interopcheck.export import csvscan

    monkeypatch.setattr(csvscan, "STREAM_AFTER", 8)  # open rows read line by line at once
    scan = scan_csv("person", iter([NUL_BODY]))
    assert [p.line for p in scan.problems if "NUL" in p.message] == [2, 3, 6]
