"""The history store: runs round-trip whole, the schema migrates, writes are all-or-nothing, prune keeps what it should."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from interopcheck.errors import HistoryError
from interopcheck.history import schema
from interopcheck.history.store import get_run, list_runs, open_history, previous_run, prune, record_run

from .helpers import record


def test_a_run_round_trips_with_its_outcomes_and_spec_parts(tmp_path: Path) -> None:
    rec = record(statuses={"HSG-API-03": "fail"}, report_path="reports/report.json", report_sha256="b" * 64, standards_year=2026)
    with open_history(tmp_path / "h.sqlite") as conn:
        run_id = record_run(conn, rec, recorded_at="2026-12-01T10:00:00+00:00")
        stored = get_run(conn, run_id)
    assert stored.id == run_id == 1
    assert stored.record == rec
    assert stored.recorded_at == "2026-12-01T10:00:00+00:00"


def test_the_file_is_in_wal_mode_at_the_latest_schema_version(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION == 2


def test_a_version_1_file_is_migrated_and_keeps_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    old = schema.connect(path, migrations=schema.MIGRATIONS[:1])
    old.execute(
        "INSERT INTO runs (recorded_at, supplier, environment, profile_id, profile_version, verdict, score, musts_failed, musts_total)"
        " VALUES ('2026-01-01', 'Acme Housing', 'static', 'housing', '1.0.0', 'conformant', 1.0, 0, 3)"
    )
    old.execute("INSERT INTO outcomes (run_id, requirement_id, level, status, reason) VALUES (1, 'HSG-API-01', 'MUST', 'pass', 'ok')")
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    old.close()
    with open_history(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        run = get_run(conn, 1)
        assert run.record.supplier == "Acme Housing" and run.record.outcomes[0].status == "pass" and run.record.spec_parts == ()
        record_run(conn, record())  # the new table is there
        assert len(list_runs(conn)) == 2


def test_a_file_from_a_newer_interopcheck_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(HistoryError, match="schema version 99"):
        schema.connect(path)


def test_a_file_that_is_not_sqlite_is_a_history_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    path.write_text("not a database, just text " * 100)
    with pytest.raises(HistoryError, match="not a usable run history"):
        schema.connect(path)


class _Breaks(tuple):
    """Outcomes that raise after the first two are inserted: the write must leave nothing behind."""

    def __iter__(self):  # type: ignore[override]
        items = list(super().__iter__())
        yield from items[:2]
        raise RuntimeError("interrupted mid-write")


def test_a_write_that_fails_midway_leaves_no_row(tmp_path: Path) -> None:
    rec = record()
    broken = type(rec)(**{**rec.__dict__, "outcomes": _Breaks(rec.outcomes)})
    with open_history(tmp_path / "h.sqlite") as conn:
        record_run(conn, rec)
        with pytest.raises(RuntimeError):
            record_run(conn, broken)
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] == len(rec.outcomes)


def test_previous_run_is_the_latest_of_the_same_supplier_and_profile(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite") as conn:
        first = record_run(conn, record("Acme Housing"))
        record_run(conn, record("Other Ltd"))
        record_run(conn, record("Acme Housing", profile_id="housing-camden"))
        assert previous_run(conn, "Acme Housing", "housing").id == first  # type: ignore[union-attr]
        assert previous_run(conn, "Nobody", "housing") is None
        assert [r.id for r in list_runs(conn, supplier="Acme Housing")] == [1, 3]


def test_get_run_of_an_unknown_id_says_which_exist(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite") as conn:
        record_run(conn, record())
        with pytest.raises(HistoryError, match="no run 7") as err:
            get_run(conn, 7)
    assert "1 to 1" in str(err.value)


def test_prune_keeps_the_newest_n_per_supplier_and_deletes_their_outcomes(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite") as conn:
        for _ in range(4):
            record_run(conn, record("Acme Housing"))
        record_run(conn, record("Other Ltd"))
        assert prune(conn, keep=2) == 2
        assert [(r.id, r.record.supplier) for r in list_runs(conn)] == [(3, "Acme Housing"), (4, "Acme Housing"), (5, "Other Ltd")]
        assert conn.execute("SELECT count(DISTINCT run_id) FROM outcomes").fetchone()[0] == 3
        assert conn.execute("SELECT count(DISTINCT run_id) FROM spec_parts").fetchone()[0] == 3


def test_prune_before_a_date(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite") as conn:
        record_run(conn, record(), recorded_at="2025-06-01T00:00:00+00:00")
        record_run(conn, record(), recorded_at="2026-06-01T00:00:00+00:00")
        assert prune(conn, before="2026-01-01") == 1
        assert [r.id for r in list_runs(conn)] == [2]
        with pytest.raises(HistoryError, match="--keep N or --before DATE"):
            prune(conn)
