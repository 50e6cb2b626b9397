"""The row-by-row csv-module scan `scan_csv` replaced (every line through `csv.reader`), kept as the reference
its faster form is compared with in `test_export_csvscan.py`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from interopcheck.export.readers import MAX_RECORD_BYTES, NUL_MESSAGE, ReadProblem, iter_text
from interopcheck.export.archives import with_gzip

KEEP = 20

def _lines(chunks: Iterable[bytes], problems: list[ReadProblem]) -> Iterator[str]:
    """Text lines (endings kept, as `newline=''` files give them) from UTF-8 chunks; a decoding problem ends them."""
    carry = ""
    for piece in iter_text(chunks):
        if isinstance(piece, ReadProblem):
            problems.append(piece)
            return
        text = carry + piece if carry else piece
        cut = text.rfind("\n") + 1  # keep "\r\n" together: cut after the last "\n" only
        carry = text[cut:]
        if cut:
            yield from io.StringIO(text[:cut], newline="")
    if carry:
        yield from io.StringIO(carry, newline="")


def reference_scan(
    entity: str,
    chunks: Iterable[bytes],
    *,
    max_records: int | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
    max_decompressed: int | None = None,
    url: str = "",
) -> tuple:
    """Check every row of a CSV export (strict RFC 4180, field count = header's); count rows, keep the header."""
    body, gz_problems = with_gzip(chunks, max_bytes=max_decompressed or 2**62)
    decode_problems: list[ReadProblem] = []
    kept: list[ReadProblem] = []
    count = problem_count = 0
    truncated = False
    limited = None
    header: list[str] | None = None

    def add(problem: ReadProblem) -> None:
        nonlocal problem_count, truncated
        problem_count += 1
        truncated = truncated or problem.fatal
        if len(kept) < KEEP:
            kept.append(problem)

    def nul_checked(lines: Iterator[str]) -> Iterator[str]:
        for number, line in enumerate(lines, 1):
            if "\x00" in line:
                add(ReadProblem("bad-csv", NUL_MESSAGE, number))
            yield line

    csv.field_size_limit(max_record_bytes)
    reader = csv.reader(nul_checked(_lines(body, decode_problems)), strict=True)
    limit = max_records if max_records is not None else -1
    try:
        for row in reader:
            if header is None:
                header = row
                if len(set(header)) != len(header) or not all(header):
                    add(ReadProblem("bad-csv", "the header row has empty or repeated column names", 1))
                width = len(header)
                continue
            if len(row) != width:
                if not row:
                    continue  # a blank line
                add(ReadProblem("bad-csv", f"{len(row)} fields where the header has {width}", reader.line_num))
                continue
            if count == limit:
                limited = f"stopped after --export-max-records={max_records} records"
                break
            count += 1
    except csv.Error as exc:
        add(ReadProblem("bad-csv", f"broken CSV quoting or field: {exc}", reader.line_num, True))
    for problem in decode_problems + gz_problems:
        add(problem)
    if header is None and not problem_count:
        add(ReadProblem("bad-csv", "the CSV is empty (no header row)", None, True))
    return count, [(p.kind, p.message, p.line, p.fatal) for p in kept], problem_count, truncated, limited, tuple(header or ())
