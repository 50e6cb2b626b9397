"""The history file's schema as numbered migrations, and opening the file with WAL and a busy timeout.

`PRAGMA user_version` holds the schema version. Opening applies the missing migrations in one
`BEGIN IMMEDIATE` transaction, so two processes opening a fresh file at once migrate it once, and a
file from a newer interopcheck is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from interopcheck.errors import HistoryError

#: Migration N takes the schema from version N-1 to N. Append only: never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        recorded_at TEXT NOT NULL,
        supplier TEXT NOT NULL,
        environment TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        profile_version TEXT NOT NULL,
        profile_sha256 TEXT,
        standards_year INTEGER,
        spec_source TEXT,
        spec_sha256 TEXT,
        tool_version TEXT,
        started_at TEXT,
        finished_at TEXT,
        verdict TEXT NOT NULL,
        score REAL NOT NULL,
        musts_failed INTEGER NOT NULL,
        musts_total INTEGER NOT NULL,
        report_path TEXT,
        report_sha256 TEXT
    );
    CREATE INDEX runs_by_supplier ON runs (supplier, profile_id, id);
    CREATE TABLE outcomes (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        requirement_id TEXT NOT NULL,
        level TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (run_id, requirement_id)
    );
    """,
    """
    CREATE TABLE spec_parts (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        part TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        PRIMARY KEY (run_id, part)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
BUSY_TIMEOUT_S = 30.0


def connect(path: Path, *, migrations: tuple[str, ...] = MIGRATIONS) -> sqlite3.Connection:
    """Open (creating if missing) the history at `path`, in WAL mode, migrated to the latest schema.

    The connection is in autocommit mode: writers open their own `BEGIN IMMEDIATE` transactions.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise HistoryError(f"cannot open the run history {path}: {exc}", hint="choose another --history PATH, or --no-history") from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(conn, path, migrations)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise HistoryError(f"{path} is not a usable run history: {exc}", hint="choose another --history PATH, or --no-history") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection, path: Path, migrations: tuple[str, ...]) -> None:
    """Apply the migrations the file lacks, all in one transaction (re-read inside it: another process may have won)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(migrations):
            raise HistoryError(
                f"the run history {path} has schema version {version}; this interopcheck knows up to {len(migrations)}",
                hint="use a newer interopcheck, or another --history PATH",
            )
        for number in range(version, len(migrations)):
            for statement in migrations[number].split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {len(migrations)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
