"""Form-only CSV scans and NDJSON line counts: every row checked, problems found, nothing parsed twice."""

from __future__ import annotations

import gzip

from interopcheck.export.csvscan import count_ndjson, scan_csv


def _chunks(data: bytes, size: int = 7) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_every_row_counted_across_chunks_with_quoted_newlines() -> None:
    body = b'id,name,note\r\n1,"A, B","two\r\nlines"\r\n2,C,""""\r\n\r\n3,D,\xc3\xa9\r\n'
    scan = scan_csv("person", _chunks(body, 5))
    assert scan.records == 3 and scan.columns == ("id", "name", "note") and scan.problem_count == 0


def test_field_counts_quoting_and_utf8_problems() -> None:
    bad_width = scan_csv("person", [b"id,name\n1,a\n2,b,c\n3\n4,d\n"])
    assert bad_width.records == 2 and bad_width.problem_count == 2 and bad_width.problems[0].line == 3
    broken = scan_csv("person", [b'id,name\n1,"a"x\n'])
    assert broken.truncated and broken.problems[0].kind == "bad-csv"
    latin1 = scan_csv("person", [b"id,name\n1,caf\xe9\n"])
    assert latin1.truncated and any(p.kind == "bad-utf8" for p in latin1.problems)
    assert scan_csv("person", [b""]).problems[0].message.startswith("the CSV is empty")
    assert scan_csv("person", [b"id,id\n1,2\n"]).problems[0].message.startswith("the header row")


def test_limit_and_gzip() -> None:
    body = b"id\n" + b"".join(b"%d\n" % i for i in range(50))
    limited = scan_csv("person", _chunks(gzip.compress(body), 11), max_records=10)
    assert limited.records == 10 and limited.limited


def test_ndjson_lines_counted_without_parsing() -> None:
    assert count_ndjson(_chunks(b'{"id":"a"}\n{"id":"b"}\n\n\n{"id":"c"}', 3)) == (3, [])
    assert count_ndjson([b"\n", b"\n{}\n", b"\n"]) == (1, [])
    assert count_ndjson([gzip.compress(b"{}\n{}\n")]) == (2, [])
    assert count_ndjson([]) == (0, [])
