"""Reading a CORE lettings bulk-upload CSV the way CORE's CSV parser does: the `Field number` header row, a label column, data rows.

CORE (app/services/bulk_upload/lettings/yearYYYY/csv_parser.rb) finds the row whose first cell
matches /field number/i, takes that row's numbers as the field of each column (so columns may come
in any order), skips the first column (labels) and reads every later non-empty row as one log.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from interopcheck.returns.core_spec import CoreSpec

_MARKER = re.compile(r"field number", re.IGNORECASE)


@dataclass(frozen=True)
class CoreRow:
    """One data row: its 1-based number among the data rows, its 1-based CSV record number in the file, and its non-blank cells by field number."""

    number: int
    record: int
    cells: dict[int, str]

    def get(self, field_number: int) -> str:
        """The cell of `field_number`, stripped ("" when blank or absent)."""
        return self.cells.get(field_number, "")


@dataclass(frozen=True)
class CoreFile:
    """A parsed bulk-upload file: its rows and what is wrong with its layout (no header row, missing or repeated fields)."""

    rows: tuple[CoreRow, ...] = ()
    problems: tuple[str, ...] = ()
    header_line: int | None = None
    columns: dict[int, int] = field(default_factory=dict)  # field number -> column index


def parse_core_csv(text: str, spec: CoreSpec) -> CoreFile:
    """The rows of a bulk-upload CSV for `spec`'s year; layout problems instead of rows when the header cannot be read."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return CoreFile(problems=(f"the file is not readable CSV: {exc}",))
    header_at = next((i for i, row in enumerate(table) if row and _MARKER.search(row[0] or "")), None)
    if header_at is None:
        return CoreFile(problems=(f"no header row: CORE looks for a row whose first cell is {spec.header_marker!r}, followed by the field numbers",))
    columns: dict[int, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(table[header_at][1:], 1):
        if not cell.strip().isdigit():
            continue  # CORE reads a non-numeric header as a blank field
        number = int(cell)
        if number in columns:
            problems.append(f"field number {number} heads two columns ({_letter(columns[number])} and {_letter(index)})")
        elif not 1 <= number <= spec.field_count:
            problems.append(f"field number {number} (column {_letter(index)}) is not a {spec.label} field (1 to {spec.field_count})")
        else:
            columns[number] = index
    missing = [n for n in range(1, spec.field_count + 1) if n not in columns]
    if missing:
        problems.append(f"{len(missing)} of the {spec.field_count} {spec.label} fields have no column: {_ranges(missing)}")
    rows = []
    for offset, raw in enumerate(table[header_at + 1 :], 1):
        if not any(cell.strip() for cell in raw):
            continue
        cells = {n: raw[i].strip() for n, i in columns.items() if i < len(raw) and raw[i].strip()}
        rows.append(CoreRow(len(rows) + 1, header_at + 1 + offset, cells))
    return CoreFile(tuple(rows), tuple(problems), header_at + 1, columns)


def _letter(index: int) -> str:
    """The spreadsheet letter of 0-based column `index` (0 = A)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _ranges(numbers: list[int]) -> str:
    """`1-3, 7` for [1, 2, 3, 7]."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
