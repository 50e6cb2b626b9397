"""Streaming readers over an iterator of byte chunks: NDJSON, JSON arrays, CSV (gzip and zip: `export.archives`).

An export may be millions of records, so nothing here holds the whole body: each reader yields
`(line_number, record)` tuples as records complete and `ReadProblem`s for what it could not read
(a bad line, a record over the size cap, a truncated stream, a gzip or zip bomb, a path traversal).

A CSV row is capped like a record (`MAX_RECORD_BYTES`): a CSV export without line breaks, or a quoted
field that never closes, is one row as long as the file, and gathering it before parsing took time
quadratic in the file and memory growing with it (issue 19, item 5). `cap_lines` passes on whole
physical lines only, holding at most the cap of the line in progress, and the CSV readers cap a row of
several physical lines the same way: the over-long row is reported (line, bytes read of it) as a fatal
problem and nothing after it is read, so a hostile export costs time and memory proportional to the cap.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

#: The most bytes one record may take: an NDJSON line, a JSON array item, a CSV row (with its quoted line
#: breaks). Real housing records are a few KB; a row over this is reported and never loaded.
MAX_RECORD_BYTES = 16 * 1024 * 1024
FORMATS = ("ndjson", "json", "csv", "zip")


@dataclass(frozen=True)
class ReadProblem:
    """Something a reader could not read; `fatal` problems end the stream (the rest is unreadable)."""

    kind: str  # bad-json, too-large, truncated, bad-utf8, bad-csv, gzip-bomb, zip-bomb, zip-path, not-array, ...
    message: str
    line: int | None = None
    fatal: bool = False


Item = tuple[int, Any] | ReadProblem


def read_ndjson(chunks: Iterable[bytes], *, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Item]:
    """One JSON object per line; a line over `max_record_bytes` is reported and skipped, never loaded."""
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    carry = b""
    skipping = False  # inside an over-long line whose bytes we are throwing away
    line = 0
    for chunk in chunks:
        if skipping:
            cut = chunk.find(b"\n")
            if cut < 0:
                continue
            chunk, skipping = chunk[cut + 1 :], False
        parts = (carry + chunk).split(b"\n") if carry else chunk.split(b"\n")
        carry = parts.pop()
        for raw in parts:
            line += 1
            if len(raw) > max_record_bytes:
                yield ReadProblem("too-large", f"record of {len(raw)} bytes over the {max_record_bytes}-byte cap", line)
                continue
            if not raw.strip():
                continue
            try:
                yield line, loads(raw)
            except decode_error as exc:
                yield ReadProblem("bad-json", f"not valid JSON: {exc}", line)
        if len(carry) > max_record_bytes:
            line += 1
            yield ReadProblem("too-large", f"record over the {max_record_bytes}-byte cap (skipped unread)", line)
            carry, skipping = b"", True
    if carry.strip():
        line += 1
        try:
            yield line, loads(carry)
        except decode_error:
            yield ReadProblem("truncated", "the stream ended inside a record (no final newline, incomplete JSON)", line, True)


_LEAD = re.compile(rb"[ \t\r\n\xef\xbb\xbf]*")  # whitespace and a byte-order mark before the array
_WS = re.compile(rb"[ \t\r\n]*")
_STRUCT = re.compile(rb'["{}\[\]]')
_STRING_BODY = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)  # stops at the closing quote or an unfinished escape
_SCALAR = re.compile(rb'[^\s,\[\]{}"]*')
_VALUE_START = frozenset(b'{["-0123456789tfn')
_OPEN, _ITEM, _NEXT, _SEP, _NESTED, _STRING, _SCALAR_TOKEN, _CLOSED = range(8)
_SCALAR_CAP = 64  # a bare item longer than this is reported unread, not kept


def read_json_array(chunks: Iterable[bytes], *, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Item]:
    """The objects of a top-level JSON array, split incrementally by depth; `line` is the item's 1-based index.

    Each byte is scanned once and bytes no longer needed are dropped, so time is linear in the body and
    memory one record. An item that is not an object (`not-object`), a record over `max_record_bytes`
    (`too-large`, skipped unread) and a missing or extra comma (`bad-json`) are reported and the items after
    them read; bytes after the closing `]` are a fatal `bad-json` (whatever they hold is not read).
    """
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    buf = bytearray()
    pos = depth = index = 0
    keep = -1  # where the bytes still needed start (the record or bare item being read), or -1
    state, in_str = _OPEN, False
    for chunk in chunks:
        buf += chunk
        end = len(buf)
        while pos < end:
            if state == _NESTED:  # inside an object (kept when keep >= 0) or an array item (skipped)
                if in_str:
                    pos = _STRING_BODY.match(buf, pos).end()
                    if pos == end or buf[pos] != 0x22:
                        break  # more of the string, or the rest of an escape, is still to come
                    pos, in_str = pos + 1, False
                    continue
                m = _STRUCT.search(buf, pos)
                if m is None:
                    pos = end
                    break
                char, pos = buf[m.start()], m.end()
                if char == 0x22:
                    in_str = True
                elif char in (0x7B, 0x5B):
                    depth += 1
                else:
                    depth -= 1
                    if depth == 0:
                        state = _SEP
                        if keep >= 0 and pos - keep > max_record_bytes:
                            yield ReadProblem("too-large", f"record {index} of {pos - keep} bytes over the {max_record_bytes}-byte cap", index)
                        elif keep >= 0:
                            try:
                                yield index, loads(buf[keep:pos])
                            except decode_error as exc:
                                yield ReadProblem("bad-json", f"record {index} is not valid JSON: {exc}", index)
                        keep = -1
            elif state == _STRING:  # a bare string item, skipped unread
                pos = _STRING_BODY.match(buf, pos).end()
                if pos == end or buf[pos] != 0x22:
                    break
                pos, state = pos + 1, _SEP
            elif state == _SCALAR_TOKEN:
                pos = _SCALAR.match(buf, pos).end()
                if pos == end:
                    break
                yield _bare_item(buf, keep, pos, index)
                keep, state = -1, _SEP
            elif state == _OPEN:
                pos = _LEAD.match(buf, pos).end()
                if pos == end:
                    break
                if buf[pos] != 0x5B:
                    yield ReadProblem("not-array", "the export is not a JSON array", None, True)
                    return
                pos, state = pos + 1, _ITEM
            else:
                pos = _WS.match(buf, pos).end()
                if pos == end:
                    break
                char = buf[pos]
                if state == _CLOSED:
                    yield ReadProblem("bad-json", f"data after the array's closing bracket (after item {index}) was not read", index + 1, True)
                    return
                if state == _SEP:
                    if char == 0x2C or char == 0x5D:
                        pos, state = pos + 1, (_NEXT if char == 0x2C else _CLOSED)
                        continue
                    if char not in _VALUE_START:
                        yield ReadProblem("bad-json", f"unexpected {chr(char)!r} after array item {index}: the rest cannot be read", index + 1, True)
                        return
                    yield ReadProblem("bad-json", f"no comma between array items {index} and {index + 1}", index + 1)
                    state = _NEXT
                if char == 0x5D or char == 0x2C:
                    if state == _NEXT or char == 0x2C:  # `[1,]`, `[1,,2]`, `[,1]`
                        yield ReadProblem("bad-json", f"a comma with no array item after it (after item {index})", index + 1)
                    pos, state = pos + 1, (_CLOSED if char == 0x5D else _NEXT)
                    continue
                if char == 0x7D:
                    yield ReadProblem("bad-json", f"unexpected '}}' where array item {index + 1} should start: the rest cannot be read", index + 1, True)
                    return
                index += 1
                if char == 0x7B:
                    keep, pos, depth, state = pos, pos + 1, 1, _NESTED
                elif char == 0x5B:
                    yield ReadProblem("not-object", f"array item {index} is an array, not an object", index)
                    pos, depth, state = pos + 1, 1, _NESTED
                elif char == 0x22:
                    yield ReadProblem("not-object", f"array item {index} is a string, not an object", index)
                    pos, state = pos + 1, _STRING
                else:
                    keep, state = pos, _SCALAR_TOKEN
        if state == _NESTED and keep >= 0 and end - keep > max_record_bytes:
            yield ReadProblem("too-large", f"record {index} over the {max_record_bytes}-byte cap (skipped unread)", index)
            keep = -1
        elif state == _SCALAR_TOKEN and keep >= 0 and end - keep > _SCALAR_CAP:
            keep = -1
        cut = keep if keep >= 0 else pos
        del buf[:cut]
        pos -= cut
        keep = 0 if keep >= 0 else -1
    if state == _SCALAR_TOKEN:  # a bare item cut by the end of the stream: name it, then report the cut
        yield _bare_item(buf, keep, len(buf), index)
    if state != _CLOSED:
        yield ReadProblem("truncated", f"the stream ended inside the array after {index} items", index, True)


def _bare_item(buf: bytearray, keep: int, pos: int, index: int) -> ReadProblem:
    """The problem with a bare (number, true, false, null or garbage) array item in `buf[keep:pos]`; keep -1 when too long to keep."""
    if keep < 0 or pos - keep > _SCALAR_CAP:  # the same whether it came in one chunk or many
        return ReadProblem("bad-json", f"array item {index} is a bare token over {_SCALAR_CAP} bytes, not an object", index)
    try:
        value = orjson.loads(buf[keep:pos])
    except orjson.JSONDecodeError:
        return ReadProblem("bad-json", f"array item {index} is not valid JSON: {bytes(buf[keep:pos])[:40]!r}", index)
    what = "a number" if value.__class__ in (int, float) else orjson.dumps(value).decode()  # or true, false, null
    return ReadProblem("not-object", f"array item {index} is {what}, not an object", index)


def iter_text(chunks: Iterable[bytes]) -> Iterator[str | ReadProblem]:
    """UTF-8 text pieces from byte chunks; a bad byte yields one fatal `bad-utf8` problem with its line."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    line = 1
    for chunk in chunks:
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            good = decoder.decode(chunk[: exc.start]) if exc.start else ""
            if good:
                yield good
            yield ReadProblem("bad-utf8", f"invalid UTF-8 ({exc.reason})", line + good.count("\n"), True)
            return
        line += text.count("\n")
        yield text
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        yield ReadProblem("truncated", f"the stream ended inside a UTF-8 character ({exc.reason})", line, True)
        return
    if tail:
        yield tail


def row_too_long(line: int, cap: int) -> ReadProblem:
    """The fatal problem of a CSV row starting at `line` longer than `cap` bytes (line ends included).

    Reading stops at the cap, so the row's whole length is not known: "more than the cap" is its byte count.
    """
    return ReadProblem(
        "too-large", f"the row at line {line} has more than {cap} bytes (the cap on one CSV row); it and the rest of the export were not read", line, True
    )


def cap_lines(chunks: Iterable[bytes], cap: int, problems: list[ReadProblem]) -> Iterator[bytes]:
    """The bytes of `chunks` in whole lines (the last may lack its line end), stopping before a line over `cap` bytes.

    That line's problem is appended to `problems`. Only chunks longer than the cap are searched line by
    line; any other chunk holds no whole line over the cap, so one `count` per chunk keeps the line number.
    """
    held: list[bytes] = []  # the line in progress, not yet passed on
    held_len = 0
    line = 1  # the physical line the held bytes belong to
    for chunk in chunks:
        first = chunk.find(b"\n")
        if first < 0:
            held.append(chunk)
            held_len += len(chunk)
            if held_len > cap:
                problems.append(row_too_long(line, cap))
                return
            continue
        if held_len + first + 1 > cap:  # line ends count, as they do in a row
            problems.append(row_too_long(line, cap))
            return
        last = chunk.rfind(b"\n")
        if last - first > cap:  # a line inside this chunk may be over the cap: look at each
            start = first + 1
            while (end := chunk.find(b"\n", start)) >= 0:
                if end - start + 1 > cap:
                    if held or start:
                        yield b"".join([*held, chunk[:start]])
                    problems.append(row_too_long(line + chunk.count(b"\n", 0, start), cap))
                    return
                start = end + 1
        whole = chunk[: last + 1]
        yield b"".join([*held, whole]) if held else whole
        line += chunk.count(b"\n", 0, last + 1)
        held = [chunk[last + 1 :]] if last + 1 < len(chunk) else []
        held_len = len(chunk) - last - 1
        if held_len > cap:
            problems.append(row_too_long(line, cap))
            return
    if held:
        yield b"".join(held)


NUL_MESSAGE = "a NUL character in a field: RFC 4180 text has none (it is binary data, or a field cut short)"


class RowTooLong(Exception):
    """Raised inside a CSV reader's line source when the row in progress passes the cap (caught by the reader)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_csv(chunks: Iterable[bytes], *, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Item]:
    """Rows as dicts keyed by the header (RFC 4180); row 1 is the header, so records start at line 2.

    A row over `max_record_bytes` (one long line, or quoted line breaks) is a fatal `too-large` problem.
    """
    problems: list[ReadProblem] = []
    capped: list[ReadProblem] = []
    row_chars = 0  # characters of the row in progress (a character is at least one byte)
    nuls: list[int] = []  # lines holding a NUL, read but not yet reported (RFC 4180 text has none)

    def lines() -> Iterator[str]:
        """Text lines for csv.reader; a decoding problem ends them and is kept in `problems`."""
        # split on "\n" only: a "\r\n" cut between two chunks must not become an empty row
        nonlocal row_chars
        line_no = 0
        carry: list[str] = []  # the line in progress, in pieces (joined once its end arrives)
        for piece in iter_text(cap_lines(chunks, max_record_bytes, capped)):
            if isinstance(piece, ReadProblem):
                problems.append(piece)
                return
            if "\n" not in piece:
                carry.append(piece)
                continue
            text = "".join(carry) + piece if carry else piece
            parts = text.split("\n")
            carry = [parts.pop()]
            nul = "\x00" in text
            for part in parts:
                line_no += 1
                row_chars += len(part) + 1
                if row_chars > max_record_bytes:
                    raise RowTooLong(row_chars)
                if nul and "\x00" in part:
                    nuls.append(line_no)
                yield part + "\n"
        if tail := "".join(carry):
            line_no += 1
            if "\x00" in tail:
                nuls.append(line_no)
            yield tail

    csv.field_size_limit(max_record_bytes)
    reader = csv.reader(lines(), strict=True)
    header: list[str] | None = None
    first = 1  # the line the row in progress starts at
    try:
        for row in reader:
            row_chars, first = 0, reader.line_num + 1
            while nuls:
                yield ReadProblem("bad-csv", NUL_MESSAGE, nuls.pop(0))
            if header is None:
                header = row
                if len(set(header)) != len(header) or not all(header):
                    yield ReadProblem("bad-csv", "the header row has empty or repeated column names", 1)
                continue
            if not row:
                continue  # a blank line
            if len(row) != len(header):
                yield ReadProblem("bad-csv", f"{len(row)} fields where the header has {len(header)}", reader.line_num)
                continue
            yield reader.line_num, dict(zip(header, row))
    except RowTooLong:
        yield row_too_long(first, max_record_bytes)
        return
    except csv.Error as exc:
        if capped:  # the body was cut before an over-long line: that line is the problem, not the cut
            yield capped[0]
            return
        yield ReadProblem("bad-csv", f"broken CSV quoting or field: {exc}", reader.line_num, True)
        return
    for line in nuls:
        yield ReadProblem("bad-csv", NUL_MESSAGE, line)
    yield from capped
    for problem in problems:
        yield problem
    if header is None and not problems and not capped:
        yield ReadProblem("bad-csv", "the CSV is empty (no header row)", None, True)


def read_records(fmt: str, chunks: Iterable[bytes], *, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Item]:
    """Dispatch to the reader of `fmt` (ndjson, json, csv)."""
    if fmt == "ndjson":
        return read_ndjson(chunks, max_record_bytes=max_record_bytes)
    if fmt == "json":
        return read_json_array(chunks, max_record_bytes=max_record_bytes)
    if fmt == "csv":
        return read_csv(chunks, max_record_bytes=max_record_bytes)
    raise ValueError(f"no reader for format {fmt!r}")
