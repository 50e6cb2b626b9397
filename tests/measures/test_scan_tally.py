"""The export scan feeds its tally every record once, in this process and in an export worker process."""

from __future__ import annotations

import json
import sys

from interopcheck.export.scan import scan_records
from interopcheck.export.workers import ScanPool, pooled_records
from interopcheck.measures.definitions import ReportingYear
from interopcheck.measures.tally import tally_for

YEAR = ReportingYear(2025)


def _body() -> list[bytes]:
    rows = [
        {"id": f"r-{i}", "updated_at": "2026-01-01T00:00:00Z", "priority": "4", "status": "completed",
         "completed_at": "2025-06-01T10:00:00Z", **({"target_completion_at": "2025-06-02T10:00:00Z"} if i % 4 else {})}
        for i in range(40)
    ]
    text = b"".join(json.dumps(r).encode() + b"\n" for r in rows)
    return [text[i : i + 97] for i in range(0, len(text), 97)]


def test_scan_returns_the_tally_it_was_given_filled() -> None:
    """Every record of the body is counted: 30 with a target time, 10 without (missing)."""
    scan = scan_records("repair", "ndjson", _body(), validator=None, tally=tally_for("repair", YEAR))
    assert scan.tally is not None and scan.tally.completed[0] == 30 and scan.tally.missing[0] == 10


def test_scan_without_a_tally_has_none() -> None:
    assert scan_records("repair", "ndjson", _body(), validator=None).tally is None


def test_a_worker_process_fills_the_tally_and_sends_it_back() -> None:
    pool = ScanPool({"sys_path": list(sys.path), "standards": None, "declaration": None}, size=1)
    pool.start()
    try:
        scan = pooled_records(pool, "repair", "ndjson", _body(), {"tally": tally_for("repair", YEAR)})
    finally:
        pool.close()
    assert scan.tally is not None and (scan.tally.completed[0], scan.tally.missing[0]) == (30, 10)


def test_the_tally_survives_a_scan_that_resolves_references() -> None:
    """The scan's own per-reference tallies do not take the measures' tally's place (a name clash once did)."""
    from interopcheck.entities import Reference
    from interopcheck.export.idspill import spill_index

    ref = Reference("repair", "property_id", "property")
    scan = scan_records("repair", "ndjson", _body(), validator=None, targets={ref: spill_index(())}, tally=tally_for("repair", YEAR))
    assert type(scan.tally).__name__ == "RepairTally" and scan.tally.completed[0] == 30
