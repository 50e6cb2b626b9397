"""Streaming readers: records with line numbers, and hostile inputs reported rather than crashed on or loaded."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator

import orjson

from interopcheck.export.readers import ReadProblem, read_csv, read_json_array, read_ndjson
from interopcheck.export.archives import iter_zip_entry, with_gzip, zip_entries


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def problems(items: list) -> list[ReadProblem]:
    return [i for i in items if isinstance(i, ReadProblem)]


def records(items: list) -> list[tuple[int, object]]:
    return [i for i in items if not isinstance(i, ReadProblem)]


def test_ndjson_yields_records_with_line_numbers_across_chunk_boundaries() -> None:
    body = b'{"id":"a"}\n\n{"id":"b","s":"x\\ny"}\n{"id":"c"}\n'
    for size in (1, 3, 1000):
        assert list(read_ndjson(chunked(body, size))) == [(1, {"id": "a"}), (3, {"id": "b", "s": "x\ny"}), (4, {"id": "c"})]


def test_ndjson_reports_a_bad_line_and_goes_on() -> None:
    items = list(read_ndjson([b'{"id":"a"}\n{oops}\n{"id":"c"}\n']))
    assert records(items) == [(1, {"id": "a"}), (3, {"id": "c"})]
    assert [(p.kind, p.line, p.fatal) for p in problems(items)] == [("bad-json", 2, False)]


def test_ndjson_truncated_stream_is_a_fatal_problem() -> None:
    items = list(read_ndjson([b'{"id":"a"}\n{"id":"b","na']))
    assert records(items) == [(1, {"id": "a"})]
    assert [(p.kind, p.line, p.fatal) for p in problems(items)] == [("truncated", 2, True)]


def test_ndjson_100_mb_record_is_reported_not_loaded() -> None:
    def huge() -> Iterator[bytes]:
        yield b'{"id":"a"}\n{"id":"big","blob":"'
        block = b"x" * (1024 * 1024)
        for _ in range(100):
            yield block
        yield b'"}\n{"id":"after"}\n'

    items = list(read_ndjson(huge(), max_record_bytes=4 * 1024 * 1024))
    assert records(items) == [(1, {"id": "a"}), (3, {"id": "after"})]
    assert [(p.kind, p.line) for p in problems(items)] == [("too-large", 2)]


def test_json_array_split_incrementally_even_with_brackets_in_strings() -> None:
    body = b' [ {"id":"a","s":"}]\\"{["}, {"id":"b","n":[1,{"q":2}]} ] '
    for size in (1, 2, 7, 1000):
        assert list(read_json_array(chunked(body, size))) == [(1, {"id": "a", "s": '}]"{['}), (2, {"id": "b", "n": [1, {"q": 2}]})]


def test_json_array_truncated_and_not_an_array() -> None:
    items = list(read_json_array([b'[{"id":"a"},{"id":']))
    assert records(items) == [(1, {"id": "a"})]
    assert problems(items)[0].kind == "truncated" and problems(items)[0].fatal
    assert [p.kind for p in problems(list(read_json_array([b'{"data": []}'])))] == ["not-array"]


def test_json_array_oversized_record_is_fatal() -> None:
    items = list(read_json_array([b'[{"id":"a","b":"', b"x" * 5000, b'"}]'], max_record_bytes=1000))
    assert [p.kind for p in problems(items)] == ["too-large"]


def test_csv_rfc4180_quoting_and_multiline_fields() -> None:
    body = b'id,name\r\n1,"a, ""b"""\r\n2,"two\r\nlines"\r\n'
    for size in (1, 5, 1000):
        assert list(read_csv(chunked(body, size))) == [(2, {"id": "1", "name": 'a, "b"'}), (4, {"id": "2", "name": "two\r\nlines"})]


def test_csv_broken_quoting_is_reported() -> None:
    items = list(read_csv([b'id,name\n1,"unterminated\n2,x"y\n']))
    assert problems(items) and problems(items)[0].kind == "bad-csv"


def test_csv_invalid_utf8_reported_with_its_line() -> None:
    items = list(read_csv([b"id,name\n1,ok\n2,caf\xe9\n"]))
    assert records(items) == [(2, {"id": "1", "name": "ok"})]
    assert [(p.kind, p.line) for p in problems(items)] == [("bad-utf8", 3)]


def test_csv_wrong_field_count_and_bad_header() -> None:
    items = list(read_csv([b"id,id\n1,2,3\n"]))
    assert [p.kind for p in problems(items)] == ["bad-csv", "bad-csv"]


def test_gzip_is_decompressed_transparently() -> None:
    data = b'{"id":"a"}\n' * 100
    body, sink = with_gzip(chunked(gzip.compress(data), 13))
    assert b"".join(body) == data and sink == []


def test_gzip_bomb_is_stopped_at_the_cap() -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), 9)  # ~50 kB on the wire
    body, sink = with_gzip([bomb], max_bytes=1024 * 1024)
    assert sum(len(c) for c in body) <= 2 * 1024 * 1024
    assert [p.kind for p in sink] == ["gzip-bomb"]


def test_gzip_bomb_caught_by_ratio_without_any_cap() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), 9)
    body, sink = with_gzip([bomb])
    assert sum(len(c) for c in body) < 64 * 1024 * 1024
    assert [p.kind for p in sink] == ["gzip-bomb"] and "ratio" in sink[0].message


def test_truncated_gzip_is_reported() -> None:
    body, sink = with_gzip([gzip.compress(b'{"id":"a"}\n' * 1000)[:-20]])
    list(body)
    assert [p.kind for p in sink] == ["truncated"]


def _zip(entries: dict[str, bytes]) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    buf.seek(0)
    return zipfile.ZipFile(buf)


def test_zip_entries_are_read_per_entity() -> None:
    archive = _zip({"export/property.ndjson": b'{"id":"p1"}\n', "person.csv": b"id\nh1\n"})
    entries, found = zip_entries(archive)
    assert [(e.entity, e.format) for e in entries] == [("property", "ndjson"), ("person", "csv")]
    assert found == []
    assert list(read_ndjson(iter_zip_entry(archive, entries[0]))) == [(1, {"id": "p1"})]


def test_zip_path_traversal_and_bombs_are_reported() -> None:
    archive = _zip({"../../etc/passwd.ndjson": b"{}\n", "/abs.csv": b"id\n", "bomb.ndjson": b"\0" * 1_000_000})
    entries, found = zip_entries(archive, max_ratio=100)
    assert entries == []
    assert sorted(p.kind for p in found) == ["zip-bomb", "zip-path", "zip-path"]


def test_zip_total_size_cap() -> None:
    archive = _zip({"a.ndjson": orjson.dumps({"id": "x" * 500}) * 10, "b.ndjson": orjson.dumps({"id": "y" * 500}) * 10})
    entries, found = zip_entries(archive, max_bytes=6000, max_ratio=10_000)
    assert len(entries) == 1 and [p.kind for p in found] == ["zip-bomb"]
