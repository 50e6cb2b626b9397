"""One CSV line per record, as the sandbox's CSV exports send it: RFC 4180 quoting, the data dictionary's columns.

The line is computed once, when a record is stored, so a CSV export streams stored text just as an
NDJSON export streams stored JSON (and a fault that rewrites records recomputes it from the record).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import orjson

from interopcheck.sandbox.fields import FIELDS, Field

#: What ends each CSV line (RFC 4180); stored lines have none.
CRLF = "\r\n"


def csv_cell(value: Any) -> str:
    """One CSV cell: empty for null, true/false, numbers as text, nested values as JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return str(value)


class CsvLines:
    """Formats the header and the records of one entity as CSV lines (without line ends); one per thread.

    The columns are `fields` (a product's field table for the entity), by default the standard's.
    """

    def __init__(self, entity: str, fields: Sequence[Field] | None = None) -> None:
        self.columns = [f.name for f in (FIELDS[entity] if fields is None else fields)]
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="")

    def _format(self, cells: list[str]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue()

    def header(self) -> str:
        """The header row: the column names."""
        return self._format(self.columns)

    def line(self, record: dict[str, Any]) -> str:
        """`record`'s row, a cell per column."""
        return self._format([csv_cell(record.get(c)) for c in self.columns])
