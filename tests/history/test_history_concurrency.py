"""Several processes writing the history at once, and a process killed mid-write: no corruption, no partial rows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from interopcheck.history.store import list_runs, open_history

HELPERS = Path(__file__).with_name("helpers.py")

WRITER = textwrap.dedent(
    """
    import importlib.util, sys
    from pathlib import Path
    spec = importlib.util.spec_from_file_location("helpers", sys.argv[1]); helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    from interopcheck.history.store import open_history, record_run
    path, name, count = Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    for i in range(count):
        with open_history(path) as conn:  # a fresh connection per run, as separate `check` runs would
            record_run(conn, helpers.record(name, {"HSG-API-01": "fail"} if i % 2 else None, n=40))
    """
)

STALLER = textwrap.dedent(
    """
    import importlib.util, sys, time
    from pathlib import Path
    spec = importlib.util.spec_from_file_location("helpers", sys.argv[1]); helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    from interopcheck.history.store import open_history, record_run

    class Stalls(tuple):
        def __iter__(self):
            items = list(super().__iter__())
            yield from items[:3]
            Path(sys.argv[3]).write_text("midway")  # the run row and three outcomes are written, uncommitted
            time.sleep(120)
            yield from items[3:]

    rec = helpers.record("Killed Ltd", n=40)
    with open_history(Path(sys.argv[2])) as conn:
        record_run(conn, type(rec)(**{**rec.__dict__, "outcomes": Stalls(rec.outcomes)}))
    """
)


def test_several_processes_writing_at_once_lose_nothing_and_corrupt_nothing(tmp_path: Path) -> None:
    path, writers, each = tmp_path / "history.sqlite", 5, 12
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(HELPERS), str(path), f"Supplier {n}", str(each)], stderr=subprocess.PIPE, text=True)
        for n in range(writers)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with open_history(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        runs = list_runs(conn, full=True)
        assert len(runs) == writers * each
        assert all(len(r.record.outcomes) == 40 for r in runs)
        assert {r.record.supplier for r in runs} == {f"Supplier {n}" for n in range(writers)}


def test_a_run_killed_mid_write_leaves_no_partial_rows(tmp_path: Path) -> None:
    path, midway = tmp_path / "history.sqlite", tmp_path / "midway"
    proc = subprocess.Popen([sys.executable, "-c", STALLER, str(HELPERS), str(path), str(midway)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not midway.exists():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the writer never reached the middle of its write"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with open_history(path) as conn:  # and the file is still writable: the killed writer's lock is gone
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM spec_parts").fetchone()[0] == 0
