"""Form-only CSV scans and NDJSON line counts: every row checked, problems found, nothing parsed twice."""

from __future__ import annotations

import gzip

import pytest

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


@pytest.mark.parametrize("stream_after", [1 << 20, 8])
def test_same_rows_problems_and_lines_as_the_csv_module_row_by_row(monkeypatch: pytest.MonkeyPatch, stream_after: int) -> None:
    """Quote-free text is counted by splitting lines: on any input the result equals the csv module's, row by row."""
    import random

    from csv_reference import reference_scan

    from interopcheck.export import csvscan

    monkeypatch.setattr(csvscan, "STREAM_AFTER", stream_after)  # 8: open rows go line by line almost at once
    monkeypatch.setattr(csvscan._Rows, "_bare_quotes", lambda *args: None)  # the csv module has no such check (see below)

    rnd = random.Random(7)
    alphabet = ['a', 'b', ',', ',', '"', '""', '\n', '\r\n', '\r', ' ', 'é', '\x00']
    bodies = [
        b'id,name\r\n' + b''.join(b'%d,plain\r\n' % i for i in range(300)) + b'300,"quoted, ""x"""\r\n301,"multi\r\nline"\r\n',
        b'id,a,b\n' + b''.join(b'%d,x,y\n' % i for i in range(200)) + b'bad,row\n\n\n' + b'1,"open\n' + b'2,x,y\n' * 50,
        b'h1,h2\n1,2\n3,4',  # no final line end
        b'h\n"never closed\n1\n2\n',
    ]
    for _ in range(300):
        head = rnd.choice([b"id,name,note\r\n", b"id\n", b"", b"a,a\n", b",x\n"])
        text = "".join(rnd.choice(alphabet) if rnd.random() < 0.3 else rnd.choice(["1,2,3", "x,y", "4,5,6"]) for _ in range(rnd.randrange(1, 60)))
        bodies.append(head + text.encode())
    for body in bodies:
        for size in (1, 3, 7, 64, 1 << 16):
            for limit in (None, 3):
                # a cap no row reaches: over-long rows are checked in test_export_csv_rowcap.py
                expected = reference_scan("e", _chunks(body, size), max_records=limit, max_record_bytes=10_000)
                got = scan_csv("e", _chunks(body, size), max_records=limit, max_record_bytes=10_000)
                actual = (got.records, [(p.kind, p.message, p.line, p.fatal) for p in got.problems], got.problem_count, got.truncated, got.limited, got.columns)
                assert actual == expected, (body, size, limit)


@pytest.mark.parametrize("size", [1, 5, 16, 1 << 16])
def test_a_quote_inside_an_unquoted_field_is_reported_at_its_line(size: int) -> None:
    """RFC 4180 quotes a field that holds a quote; the csv module reads `O"Brien` as is, so the scan looks itself."""
    bare = scan_csv("e", _chunks(b'id,name\r\n1,"ok"\r\n2,O"Brien\r\n3,x"\r\n4,fine\r\n', size))
    assert bare.records == 4 and [(p.kind, p.line) for p in bare.problems] == [("bad-csv", 3), ("bad-csv", 4)]
    assert "quote the whole field" in bare.problems[0].message
    valid = b'id,name,addr\r\n1,"O""Brien","a,\r\nb"\r\n2,"{""k"": ""v""}",""\r\n3,x,\r\n'
    assert scan_csv("e", _chunks(valid, size)).problems == ()
