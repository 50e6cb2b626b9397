"""Write and read the run history: record a run in one transaction, list, load, find the previous run, prune.

Every write is one `BEGIN IMMEDIATE ... COMMIT`: a run killed mid-write leaves no row of itself, and
concurrent writers wait for each other (WAL mode, busy timeout) instead of corrupting the file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from interopcheck.errors import HistoryError
from interopcheck.history.records import OutcomeRow, RunRecord, StoredRun
from interopcheck.history.schema import connect

#: The runs table's columns, in RunRecord's field order (outcomes and spec parts have their own tables).
_COLUMNS = tuple(f.name for f in fields(RunRecord) if f.name not in ("outcomes", "spec_parts"))


@contextmanager
def open_history(path: Path) -> Iterator[sqlite3.Connection]:
    """The history at `path`, opened and migrated; closed on the way out. sqlite3 errors become HistoryError."""
    conn = connect(path)
    try:
        yield conn
    except sqlite3.Error as exc:
        raise HistoryError(f"the run history {path} could not be used: {exc}", hint="choose another --history PATH, or --no-history") from exc
    finally:
        conn.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (IMMEDIATE), committed on success and rolled back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def record_run(conn: sqlite3.Connection, record: RunRecord, *, recorded_at: str | None = None) -> int:
    """Store `record` with its outcomes and spec parts in one transaction; its new run id."""
    with transaction(conn):
        cursor = conn.execute(
            f"INSERT INTO runs (recorded_at, {', '.join(_COLUMNS)}) VALUES (?, {', '.join('?' for _ in _COLUMNS)})",
            (recorded_at or _now(), *(getattr(record, c) for c in _COLUMNS)),
        )
        run_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO outcomes (run_id, requirement_id, level, status, reason, title) VALUES (?, ?, ?, ?, ?, ?)",
            ((run_id, o.requirement_id, o.level, o.status, o.reason, o.title) for o in record.outcomes),
        )
        conn.executemany("INSERT INTO spec_parts (run_id, part, sha256) VALUES (?, ?, ?)", ((run_id, p, h) for p, h in record.spec_parts))
    return run_id


def _stored(conn: sqlite3.Connection, row: sqlite3.Row | tuple, *, full: bool) -> StoredRun:
    run_id, recorded_at, *values = row
    outcomes: tuple[OutcomeRow, ...] = ()
    parts: tuple[tuple[str, str], ...] = ()
    if full:
        outcomes = tuple(
            OutcomeRow(*r)
            for r in conn.execute(
                "SELECT requirement_id, level, status, reason, title FROM outcomes WHERE run_id = ? ORDER BY rowid", (run_id,)
            )
        )
        parts = tuple((p, h) for p, h in conn.execute("SELECT part, sha256 FROM spec_parts WHERE run_id = ? ORDER BY rowid", (run_id,)))
    record = RunRecord(**dict(zip(_COLUMNS, values, strict=True)), outcomes=outcomes, spec_parts=parts)
    return StoredRun(int(run_id), recorded_at, record)


_SELECT = f"SELECT id, recorded_at, {', '.join(_COLUMNS)} FROM runs"


def list_runs(conn: sqlite3.Connection, *, supplier: str | None = None, profile_id: str | None = None, full: bool = False) -> list[StoredRun]:
    """The runs, oldest first, of `supplier` (and `profile_id`) when given; with outcomes when `full`."""
    where, args = _filters(supplier, profile_id)
    rows = conn.execute(f"{_SELECT}{where} ORDER BY id", args).fetchall()
    return [_stored(conn, r, full=full) for r in rows]


def _filters(supplier: str | None, profile_id: str | None) -> tuple[str, tuple[str, ...]]:
    clauses, args = [], []
    if supplier is not None:
        clauses.append("supplier = ?")
        args.append(supplier)
    if profile_id is not None:
        clauses.append("profile_id = ?")
        args.append(profile_id)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(args)


def get_run(conn: sqlite3.Connection, run_id: int) -> StoredRun:
    """Run `run_id` with its outcomes and spec parts; HistoryError when the history has no such run."""
    row = conn.execute(f"{_SELECT} WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        last = conn.execute("SELECT max(id) FROM runs").fetchone()[0]
        hint = f"the history's runs are numbered 1 to {last}; see 'interopcheck history list'" if last else "the history is empty"
        raise HistoryError(f"no run {run_id} in the history", hint=hint)
    return _stored(conn, row, full=True)


def previous_run(conn: sqlite3.Connection, supplier: str, profile_id: str) -> StoredRun | None:
    """The latest run of `supplier` against `profile_id`, with its outcomes, or None."""
    row = conn.execute(f"{_SELECT} WHERE supplier = ? AND profile_id = ? ORDER BY id DESC LIMIT 1", (supplier, profile_id)).fetchone()
    return None if row is None else _stored(conn, row, full=True)


def prune(conn: sqlite3.Connection, *, keep: int | None = None, before: str | None = None, supplier: str | None = None) -> int:
    """Delete runs (with their outcomes) beyond the newest `keep` per supplier and profile, and/or recorded before `before`.

    `before` is an ISO date or date-time compared with `recorded_at`; the number of runs deleted is returned.
    """
    if keep is None and before is None:
        raise HistoryError("prune needs --keep N or --before DATE", hint="e.g. interopcheck history prune --keep 50")
    where, args = _filters(supplier, None)
    doomed: set[int] = set()
    if keep is not None:
        ranked = conn.execute(
            f"SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY supplier, profile_id ORDER BY id DESC) AS n FROM runs{where}) WHERE n > ?",
            (*args, keep),
        )
        doomed |= {r[0] for r in ranked}
    if before is not None:
        extra = " AND " if where else " WHERE "
        doomed |= {r[0] for r in conn.execute(f"SELECT id FROM runs{where}{extra}recorded_at < ?", (*args, before))}
    with transaction(conn):
        conn.executemany("DELETE FROM runs WHERE id = ?", ((i,) for i in sorted(doomed)))
    return len(doomed)

