"""The form of a CSV export, row by row, without building records: UTF-8, RFC 4180 quoting, field counts.

Used for a CSV export whose records are read (validated, indexed) from the entity's NDJSON or JSON
export: every row is still decoded and checked (strict RFC 4180 quoting by the csv module; text without
any quote by a split on commas, which reads it the same) and its field count compared with the header,
but no dict is made per row. `scan_csv` returns the same `EntityScan` the
full scan does (records = rows, columns = header), so the checks read it unchanged.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from interopcheck.export.idspill import spill_index
from interopcheck.export.readers import MAX_RECORD_BYTES, NUL_MESSAGE, ReadProblem, RowTooLong, cap_lines, iter_text, row_too_long
from interopcheck.export.archives import LimitCut, with_gzip
from interopcheck.export.scan import KEEP_PROBLEMS, EntityScan

_BLANK = re.compile(rb"(?<=\n)\n")
_QUOTED = re.compile(r'"(?:[^"]*(?:""[^"]*)*")?')  # one quoted field whole, or a quote that closes nothing


def _pieces(chunks: Iterable[bytes], problems: list[ReadProblem]) -> Iterator[str]:
    """UTF-8 text cut after its last line end (the rest carried over); a decoding problem ends it, dropping the carry."""
    carry: list[str] = []  # the line in progress, in pieces (joined once, when its end arrives)
    for piece in iter_text(chunks):
        if isinstance(piece, ReadProblem):
            problems.append(piece)
            return
        cut = piece.rfind("\n") + 1  # keep "\r\n" together: cut after the last "\n" only
        if not cut:
            carry.append(piece)
            continue
        yield "".join(carry) + piece[:cut] if carry else piece[:cut]
        carry = [piece[cut:]] if cut < len(piece) else []
    if carry:
        yield "".join(carry)


_END_OF_DATA = "unexpected end of data"  # the csv module's error when its input ends inside a quoted field
STREAM_AFTER = 1 << 20  # a row still open after this much text is read line by line (as the csv module would)


class _Rows:
    """The row checks of one CSV, fed text that starts at a row and ends at a line end.

    Text without a quote (nor a NUL or a lone CR) starting at a row has no field the csv module could read
    differently from a split on commas, so its rows are counted by splitting lines; other text goes through
    the csv module (strict RFC 4180), and a row it finds still open at the text's end (a quoted field across
    the cut) is handed back to be read again with the next text. Line numbers continue across feeds.
    """

    def __init__(self, max_records: int | None, max_record_bytes: int, add: Callable[[ReadProblem], None], cut: list[ReadProblem]) -> None:
        self.header: list[str] | None = None
        self.width = 0
        self.count = 0
        self.lines = 0  # physical lines of the finished rows of earlier feeds
        self.limit = max_records if max_records is not None else -1
        self.max_records = max_records
        self.max_record_bytes = max_record_bytes
        self.limited: str | None = None
        self.stopped = False  # a limit, broken quoting or an over-long row: read no further
        self.add = add
        self.open_chars = 0  # characters read of the row in progress (line by line; see `_capped`)
        self.nul_lines = 0  # the last line a NUL was reported at
        self.cut = cut  # the problem of a physical line over the cap, once `cap_lines` has cut the body before it

    def feed(self, text: str, *, last: bool = False) -> str:
        """Check the rows of `text`; the text of a row left open at its end (to prepend to the next), else ""."""
        if self.header is not None and '"' not in text and "\x00" not in text and len(text) <= self.max_record_bytes \
                and text.count("\r") == text.count("\r\n"):
            self._plain(text)
            return ""
        lines = io.StringIO(text, newline="").readlines()
        before = self.lines
        # a NUL needs a look at each line; the row cap does not here (the text is at most a piece past the cap)
        pending = self.rows(iter(lines), lines=None if last else lines, capped="\x00" in text)
        if not self.stopped:
            self._bare_quotes(text, len(text) - len(pending), before)
        return pending

    def _bare_quotes(self, text: str, end: int, before: int) -> None:
        """Report each quote that opens no field (`a,O"Brien`): RFC 4180 quotes a field holding one; the csv module reads it as is.

        A quoted field (escaped quotes and line breaks included) is matched whole, so the quotes inside it are
        never taken for openings; an opening quote must follow a comma or a line break. Only the text the rows
        were read from is looked at (a row left open at its end is looked at with the next text).
        """
        for match in _QUOTED.finditer(text, 0, end):  # the fast pass: every quote opens a field
            start = match.start()
            if start and text[start - 1] not in ",\n":
                break
        else:
            return
        pos = start
        while (match := _QUOTED.search(text, pos, end)) is not None:
            start = match.start()
            if start and text[start - 1] not in ",\n":
                self.add(ReadProblem("bad-csv", "a quote inside a field that is not quoted (RFC 4180: quote the whole field, double the quote)", before + text.count("\n", 0, start) + 1))
                pos = start + 1  # the quote opened nothing: the next one is looked at on its own
            else:
                pos = match.end()

    def _plain(self, text: str) -> None:
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()  # the text ended with its line end
        width, line_no = self.width, self.lines
        for line in lines:
            line_no += 1
            n = line.count(",") + 1 if line and line != "\r" else 0
            if n != width:
                if not n:
                    continue  # a blank line
                self.add(ReadProblem("bad-csv", f"{n} fields where the header has {width}", line_no))
                continue
            if self.count == self.limit:
                self.limited = f"stopped after --export-max-records={self.max_records} records"
                self.stopped = True
                return
            self.count += 1
        self.lines = line_no

    def _capped(self, source: Iterable[str]) -> Iterator[str]:
        """The lines of `source`, raising RowTooLong once the row in progress passes the cap (a row of many lines).

        A line holding a NUL is reported: RFC 4180 text has none, and the csv module reads it as any character.
        A row's lines may be read again with the next text (a row open at the cut), so each line is reported once.
        """
        self.open_chars = 0
        line_no = self.lines
        for line in source:
            line_no += 1
            self.open_chars += len(line)
            if self.open_chars > self.max_record_bytes:
                raise RowTooLong(self.open_chars)
            if "\x00" in line and line_no > self.nul_lines:
                self.nul_lines = line_no
                self.add(ReadProblem("bad-csv", NUL_MESSAGE, line_no))
            yield line

    def rows(self, source: Iterator[str], *, lines: list[str] | None = None, capped: bool = True) -> str:
        """Check the rows of `source` with the csv module; with `lines` (its lines), an open last row is returned.

        `capped` (a long row read line by line, or text with a NUL): each line is looked at, so a row over the
        cap is reported at its first line and ends the scan (its lines counted, not gathered), and a NUL is found.
        """
        reader = csv.reader(self._capped(source) if capped else source, strict=True)
        done = 0  # lines of the rows finished so far
        try:
            for row in reader:
                done = reader.line_num
                self.open_chars = 0
                if self.header is None:
                    self.header = row
                    if len(set(row)) != len(row) or not all(row):
                        self.add(ReadProblem("bad-csv", "the header row has empty or repeated column names", self.lines + done))
                    self.width = len(row)
                    continue
                if len(row) != self.width:
                    if not row:
                        continue  # a blank line
                    self.add(ReadProblem("bad-csv", f"{len(row)} fields where the header has {self.width}", self.lines + done))
                    continue
                if self.count == self.limit:
                    self.limited = f"stopped after --export-max-records={self.max_records} records"
                    self.stopped = True
                    return ""
                self.count += 1
        except RowTooLong:
            self.add(row_too_long(self.lines + done + 1, self.max_record_bytes))
            self.stopped = True
            return ""
        except csv.Error as exc:
            if self.cut and str(exc) == _END_OF_DATA:  # the body was cut before an over-long line: that line is the problem
                self.stopped = True
                return ""
            if lines is not None and str(exc) == _END_OF_DATA:
                self.lines += done
                return "".join(lines[done:])  # the text ended inside a quoted field: read it again with more
            self.add(ReadProblem("bad-csv", f"broken CSV quoting or field: {exc}", self.lines + reader.line_num, True))
            self.stopped = True
            return ""
        self.lines += reader.line_num
        return ""


def scan_csv(
    entity: str,
    chunks: Iterable[bytes],
    *,
    max_records: int | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
    max_decompressed: int | None = None,
    url: str = "",
) -> EntityScan:
    """Check every row of a CSV export (strict RFC 4180, field count = header's); count rows, keep the header."""
    body, gz_problems = with_gzip(chunks, limit=max_decompressed)
    body = cut = LimitCut(body, gz_problems)
    decode_problems: list[ReadProblem] = []
    kept: list[ReadProblem] = []
    problem_count = 0
    truncated = False

    def add(problem: ReadProblem) -> None:
        nonlocal problem_count, truncated
        if cut:
            return  # the end of a body --export-max-bytes cut: the cut, not the export (see LimitCut)
        problem_count += 1
        truncated = truncated or problem.fatal
        if len(kept) < KEEP_PROBLEMS:
            kept.append(problem)

    csv.field_size_limit(max_record_bytes)
    capped: list[ReadProblem] = []  # a physical line over the cap: the body was cut before it
    rows = _Rows(max_records, max_record_bytes, add, capped)
    pending = ""  # the lines of a row left open by the last text (a quoted field across the cut)
    pieces = _pieces(cap_lines(body, max_record_bytes, capped), decode_problems)
    for piece in pieces:
        if pending and len(pending) + len(piece) > min(STREAM_AFTER, max_record_bytes):  # a long row: the rest line by line, capped
            source = (line for t in itertools.chain((pending, piece), pieces) for line in io.StringIO(t, newline=""))
            rows.rows(source)
            pending = ""
            break
        pending = rows.feed(pending + piece if pending else piece)
        if rows.stopped:
            pending = ""
            break
    if pending and not capped:
        rows.feed(pending, last=True)  # the body ended inside a quoted field: the csv module says so
    for problem in capped + decode_problems + gz_problems:
        if problem.kind == "limit":
            rows.limited = problem.message
            continue
        add(problem)
    if rows.header is None and not problem_count:
        add(ReadProblem("bad-csv", "the CSV is empty (no header row)", None, True))
    return EntityScan(
        entity=entity, url=url, format="csv", records=rows.count, validation=None, ids=spill_index(()), missing_ids=0,
        orphans={}, ref_checked={}, missing_refs={}, unresolved=(), problems=tuple(kept), problem_count=problem_count,
        truncated=truncated, limited=rows.limited, samples=(), columns=tuple(rows.header or ()),
    )


def count_ndjson(chunks: Iterable[bytes], *, max_decompressed: int | None = None) -> tuple[int, list[ReadProblem]]:
    """Records of an NDJSON body by its non-empty lines (no parsing), and gzip problems; for files whose records are read elsewhere."""
    body, problems = with_gzip(chunks, limit=max_decompressed)
    lines = blank = 0
    last = b"\n"
    for chunk in body:
        if chunk:
            lines += chunk.count(b"\n")
            if b"\n\n" in chunk:
                blank += len(_BLANK.findall(chunk))
            blank += chunk[:1] == b"\n" and last[-1:] == b"\n"
            last = chunk
    if last[-1:] != b"\n":
        lines += 1  # a last record without a final newline
    return lines - blank, problems
