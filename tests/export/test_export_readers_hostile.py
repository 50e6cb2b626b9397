"""Hostile export bodies: JSON arrays holding non-objects or broken punctuation, huge strings, multi-member gzip.

Each of these once passed silently (a false pass, a false count) or took quadratic time; they must now be
reported as read problems that make the records check fail, in time and memory linear in the body.
"""

from __future__ import annotations

import gzip
import re
import tracemalloc
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from export_fakes import FakeSandbox, StandInStandards, make_ctx

from interopcheck.checks.registry import all_checks, run_check
from interopcheck.export import readers
from interopcheck.export.readers import ReadProblem, read_json_array
from interopcheck.export.archives import with_gzip
from interopcheck.export.scan import scan_records
from interopcheck.model import Status

KB64 = 64 * 1024


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def kinds(items: list) -> list[tuple[str, int | None, bool]]:
    return [(i.kind, i.line, i.fatal) for i in items if isinstance(i, ReadProblem)]


def records(items: list) -> list[tuple[int, Any]]:
    return [i for i in items if not isinstance(i, ReadProblem)]


def read_all(body: bytes, **kw: Any) -> list:
    """The reader's items, checked to be the same whatever the chunking."""
    first = list(read_json_array([body], **kw))
    for size in (1, 2, 5, 64):
        assert list(read_json_array(chunked(body, size), **kw)) == first
    return first


# --- JSON array: items that are not objects, broken punctuation ---------------------------------


def test_non_object_items_are_each_a_problem_with_their_index() -> None:
    items = read_all(b'[1, 2, "x", null, 3]')
    assert records(items) == []
    assert kinds(items) == [("not-object", n, False) for n in range(1, 6)]
    messages = [i.message for i in items]
    assert "a number" in messages[0] and "a string" in messages[2] and "null" in messages[3]


def test_non_objects_between_records_are_skipped_and_the_records_kept() -> None:
    items = read_all(b'[{"id":"a"}, [1, {"q": "}]"}], "s\\"]", true, {"id":"b"}, false, -1.5e3]')
    assert records(items) == [(1, {"id": "a"}), (5, {"id": "b"})]
    assert kinds(items) == [("not-object", n, False) for n in (2, 3, 4, 6, 7)]


def test_missing_and_extra_commas_are_reported_and_reading_goes_on() -> None:
    items = read_all(b'[{"id":"a"} {"id":"b"}\n{"id":"c"},,{"id":"d"},]')
    assert records(items) == [(1, {"id": "a"}), (2, {"id": "b"}), (3, {"id": "c"}), (4, {"id": "d"})]
    assert [k for k in kinds(items)] == [("bad-json", 2, False), ("bad-json", 3, False), ("bad-json", 4, False), ("bad-json", 5, False)]
    assert "comma" in items[1].message


def test_bytes_after_the_closing_bracket_are_fatal_but_whitespace_is_fine() -> None:
    items = read_all(b'[{"id":"a"}] trailing garbage {')
    assert records(items) == [(1, {"id": "a"})]
    assert kinds(items) == [("bad-json", 2, True)]
    assert kinds(read_all(b'[{"id":"a"},{"id":"b"}][{"id":"c"}]')) == [("bad-json", 3, True)]  # two arrays back to back
    assert read_all(b'\xef\xbb\xbf [{"id":"a"}] \r\n\t ') == [(1, {"id": "a"})]


def test_garbage_between_items_is_fatal_and_bare_garbage_items_are_bad_json() -> None:
    assert kinds(read_all(b'[{"id":"a"} x {"id":"b"}]')) == [("bad-json", 2, True)]
    assert kinds(read_all(b'[{"id":"a"}}]')) == [("bad-json", 2, True)]
    items = read_all(b'[nul, {"id":"b"}, ' + b"9" * 500 + b"]")
    assert records(items) == [(2, {"id": "b"})]
    assert kinds(items) == [("bad-json", 1, False), ("bad-json", 3, False)]


def test_truncated_inside_a_bare_item_names_it_then_reports_the_cut() -> None:
    assert kinds(read_all(b'[{"id":"a"}, 12')) == [("not-object", 2, False), ("truncated", 2, True)]
    assert kinds(read_all(b'[{"id":"a"}, "abc\\')) == [("not-object", 2, False), ("truncated", 2, True)]
    assert kinds(read_all(b"")) == [("truncated", 0, True)]


def test_escaped_quotes_and_backslashes_split_anywhere() -> None:
    value = 'a\\"b\\\\"c' + "\\" * 7 + '"'
    body = orjson.dumps([{"id": "a", "s": value}, {"id": "b"}])
    assert read_all(body) == [(1, {"id": "a", "s": value}), (2, {"id": "b"})]


def test_non_objects_fail_scan_records_and_the_records_check() -> None:
    validator = StandInStandards().validator("person")
    scan = scan_records("person", "json", chunked(b'[1, 2, "x", null, 3]', 3), validator=validator)
    assert scan.records == 0 and scan.problem_count == 5 and not scan.truncated
    assert {p.kind for p in scan.problems} == {"not-object"}

    sandbox = FakeSandbox()
    person = sandbox.records["person"]
    exports = [{"entity": "person", "format": "json", "url": "/v1/exports/person.json"}]
    for body in (b'[1, 2, "x", null, 3]', b"[" + b" ".join(orjson.dumps(r) for r in person) + b"]", orjson.dumps(person) + b" garbage"):
        sandbox.overrides["/v1/exports/person.json"] = body
        result = run_check(all_checks()["export.records.person"], make_ctx(sandbox, sandbox.declaration(exports=exports)))
        assert result.status is Status.FAIL, body[:40]
        assert any(f.data and f.data.get("kind") in ("not-object", "bad-json") for f in result.findings)


# --- JSON array: linear time and bounded memory on long strings --------------------------------


class CountingPattern:
    """A compiled pattern that adds up the bytes each match or search consumes (a deterministic work measure)."""

    def __init__(self, pattern: re.Pattern[bytes], tally: list[int]) -> None:
        self.pattern, self.tally = pattern, tally

    def match(self, buf: Any, pos: int = 0) -> re.Match[bytes] | None:
        m = self.pattern.match(buf, pos)
        self.tally[0] += (m.end() if m else len(buf)) - pos
        return m

    def search(self, buf: Any, pos: int = 0) -> re.Match[bytes] | None:
        m = self.pattern.search(buf, pos)
        self.tally[0] += (m.end() if m else len(buf)) - pos
        return m


def scanned_bytes(monkeypatch: pytest.MonkeyPatch, chunks: Iterator[bytes], **kw: Any) -> tuple[list, int]:
    """The reader's items and how many bytes its patterns consumed in all."""
    tally = [0]
    for name in ("_STRING_BODY", "_STRUCT", "_WS", "_SCALAR", "_LEAD"):
        monkeypatch.setattr(readers, name, CountingPattern(getattr(readers, name), tally))
    items = list(read_json_array(chunks, **kw))
    monkeypatch.undo()
    return items, tally[0]


def record_with_blob(size: int) -> Iterator[bytes]:
    """`[{"id":"big","blob":"xxx...\\n..."},{"id":"after"}]` in 64 KB chunks, made lazily."""
    yield b'[{"id":"big","blob":"'
    block = b"x" * (KB64 - 2) + b"\\n"
    for _ in range(size // KB64):
        yield block
    yield b'"},{"id":"after"}]'


def test_work_is_linear_in_the_record_size(monkeypatch: pytest.MonkeyPatch) -> None:
    small_items, small = scanned_bytes(monkeypatch, record_with_blob(KB64))
    big_items, big = scanned_bytes(monkeypatch, record_with_blob(64 * KB64))  # 4 MB, 64 chunks
    assert [i[0] for i in small_items] == [1, 2] and [i[0] for i in big_items] == [1, 2]
    assert len(big_items[0][1]["blob"]) == 64 * (KB64 - 1)
    # quadratic re-scanning from the string's start would be ~32 times the body here; linear is about 1 time
    assert big <= 2 * 64 * KB64 + 1000 and big <= 70 * small


def test_a_record_over_the_cap_is_reported_skipped_and_never_held(monkeypatch: pytest.MonkeyPatch) -> None:
    cap = 1024 * 1024
    tracemalloc.start()
    try:
        items, work = scanned_bytes(monkeypatch, record_with_blob(256 * KB64), max_record_bytes=cap)  # 16 MB record
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert kinds(items) == [("too-large", 1, False)] and records(items) == [(2, {"id": "after"})]
    assert work <= 2 * 256 * KB64 + 1000
    assert peak < 4 * cap


def test_a_huge_bare_string_item_is_not_an_object_and_not_held() -> None:
    def body() -> Iterator[bytes]:
        yield b'[{"id":"a"}, "'
        block = b"y" * KB64
        for _ in range(256):  # 16 MB
            yield block
        yield b'", {"id":"b"}]'

    tracemalloc.start()
    try:
        items = list(read_json_array(body(), max_record_bytes=1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert records(items) == [(1, {"id": "a"}), (3, {"id": "b"})]
    assert kinds(items) == [("not-object", 2, False)]
    assert peak < 1024 * 1024


# --- gzip: every member read, the caps held across members ---------------------------------------


def ndjson(prefix: str, n: int) -> bytes:
    return b"".join(orjson.dumps({"id": f"{prefix}-{i}"}) + b"\n" for i in range(n))


@pytest.mark.parametrize("members", [2, 3])
@pytest.mark.parametrize("size", [1, 7, 10**6])
def test_every_gzip_member_is_read(members: int, size: int) -> None:
    parts = [ndjson(f"m{m}", 40 + m) for m in range(members)]
    body, sink = with_gzip(chunked(b"".join(gzip.compress(p) for p in parts), size))
    assert b"".join(body) == b"".join(parts) and sink == []


def test_multi_member_gzip_counts_every_record_in_the_scan() -> None:
    parts = [ndjson("a", 30), ndjson("b", 20), ndjson("c", 10)]
    body = gzip.compress(parts[0]) + gzip.compress(parts[1]) + b"\0" * 8 + gzip.compress(parts[2]) + b"\0\0"
    scan = scan_records("person", "ndjson", chunked(body, 50), validator=None)
    assert scan.records == 60 and scan.problem_count == 0


def test_multi_member_gzip_export_passes_whole_through_the_checks() -> None:
    sandbox = FakeSandbox()
    lines = sandbox.ndjson("person").splitlines(keepends=True)
    sandbox.overrides["/v1/exports/person.ndjson"] = gzip.compress(b"".join(lines[:10])) + gzip.compress(b"".join(lines[10:]))
    ctx = make_ctx(sandbox)
    records_check = run_check(all_checks()["export.records.person"], ctx)
    assert records_check.status is Status.PASS and f"all {len(lines)} person records" in records_check.summary
    assert run_check(all_checks()["export.complete"], ctx).status is Status.PASS


def test_garbage_after_a_gzip_member_is_reported() -> None:
    first = ndjson("a", 30)
    body, sink = with_gzip(chunked(gzip.compress(first) + b"not gzip at all\n", 9))
    assert b"".join(body) == first
    assert [(p.kind, p.fatal) for p in sink] == [("bad-gzip", True)] and "member 1" in sink[0].message

    scan = scan_records("person", "ndjson", [gzip.compress(first) + b"garbage"], validator=None)
    assert scan.records == 30 and scan.truncated and [p.kind for p in scan.problems] == ["bad-gzip"]

    sandbox = FakeSandbox()
    sandbox.overrides["/v1/exports/person.ndjson"] = gzip.compress(sandbox.ndjson("person")) + b"garbage"
    available = run_check(all_checks()["export.available"], make_ctx(sandbox))
    assert available.status is Status.FAIL and any(f.data and f.data.get("kind") == "bad-gzip" for f in available.findings)


def test_a_truncated_later_member_is_reported() -> None:
    body, sink = with_gzip([gzip.compress(ndjson("a", 5)) + gzip.compress(ndjson("b", 500))[:-30]])
    list(body)
    assert [p.kind for p in sink] == ["truncated"] and "member 2" in sink[0].message


def test_bomb_caps_hold_across_members() -> None:
    member = gzip.compress(b"\0" * (1024 * 1024), 9)
    body, sink = with_gzip([member] * 3, max_bytes=2 * 1024 * 1024 + 1)
    assert sum(len(c) for c in body) <= 3 * 1024 * 1024
    assert [p.kind for p in sink] == ["gzip-bomb"]

    member = gzip.compress(b" " * (8 * 1024 * 1024), 9)  # each member alone stays under the ratio floor
    body, sink = with_gzip([member] * 4)
    assert sum(len(c) for c in body) < 32 * 1024 * 1024
    assert [p.kind for p in sink] == ["gzip-bomb"] and "ratio" in sink[0].message


def test_gzip_magic_is_seen_across_one_byte_chunks() -> None:
    data = ndjson("a", 20)
    body, sink = with_gzip(chunked(gzip.compress(data), 1))
    assert b"".join(body) == data and sink == []
