"""Issue 19 item 17: an export worker never prints a traceback, whatever its parent does.

About one run in six printed one: the run ended (its daemon threads and their downloads cut off) while a
worker was mid-task, the worker saw end-of-input inside the scan, then tried to send its answer into the
closed socket (BrokenPipeError), or read past the end marker it was never sent (EOFError). These tests
play that parent: start the worker as the pool does, begin a task, and vanish at each point of the protocol.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection

import pytest

WAIT_S = 30


def start_worker() -> tuple[subprocess.Popen[bytes], Connection]:
    """The worker as `ScanPool` starts it, but with its stderr captured; returns it and our end of its socket."""
    ours, theirs = socket.socketpair()
    proc = subprocess.Popen(
        [sys.executable, "-m", "interopcheck.export.worker", str(theirs.fileno())],
        pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    theirs.close()
    conn = Connection(os.dup(ours.fileno()))
    ours.close()
    conn.send({"sys_path": [], "standards": None, "declaration": None})
    assert conn.poll(WAIT_S) and conn.recv() == ("ready",)
    return proc, conn


def finish(proc: subprocess.Popen[bytes]) -> bytes:
    _, err = proc.communicate(timeout=WAIT_S)
    return err


@pytest.mark.parametrize("task", [("csv", "person", 0, {}), ("records", "person", 0, {"fmt": "ndjson", "validate": False, "mapped": False}, [])])
def test_the_parent_gone_mid_body(task: tuple[object, ...]) -> None:
    proc, conn = start_worker()
    conn.send(task)
    conn.send_bytes(b"id\n1\n" if task[0] == "csv" else b'{"id": "a"}\n')
    conn.close()  # the run ended: no more body, no end marker, nobody to answer
    assert finish(proc) == b""


def test_the_parent_gone_after_the_workers_stop() -> None:
    proc, conn = start_worker()
    conn.send(("csv", "person", 0, {"max_records": 1}))
    conn.send_bytes(b"id\n1\n2\n3\n")
    assert conn.poll(WAIT_S) and conn.recv() == ("stop",)  # the scan is done; the worker drains what we still send
    conn.close()
    assert finish(proc) == b""


def test_the_parent_gone_before_the_reply_is_read() -> None:
    proc, conn = start_worker()
    conn.send(("csv", "person", 0, {}))
    conn.send_bytes(b"id\n" + b"1\n" * 100_000)
    conn.send_bytes(b"")
    conn.close()
    assert finish(proc) == b""


def test_a_broken_task_comes_back_as_a_result_not_a_print() -> None:
    proc, conn = start_worker()
    conn.send(("records", "person", 0, {"fmt": "no-such-format", "validate": False, "mapped": False}, []))
    conn.send_bytes(b"x\n")
    conn.send_bytes(b"")
    assert conn.poll(WAIT_S) and conn.recv() == ("stop",)
    reply = conn.recv()
    assert reply[0] == "error" and "no-such-format" in reply[1]
    conn.close()
    assert finish(proc) == b""
