"""The export worker process: parses, validates and indexes the export bytes the checking process streams to it.

The checking process keeps all HTTP (the one safe client, its rate cap and caps) and forwards each
body's chunks here, so parsing and validation run on a second core instead of under its GIL.
Started by `export.workers.ScanPool` as `python -m interopcheck.export.worker FD` (FD: one end of a
socket pair). Protocol, one task at a time: a pickled task (plus the target indexes' file descriptors),
the body as non-empty byte messages and an empty one at its end; the worker answers `("stop",)` as
soon as its scan is done (so the sender can stop downloading), reads to the end marker, then sends the
result, passing id indexes back as file descriptors. End of input (the parent gone) ends the worker.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import sys
import traceback
from collections.abc import Iterator
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import recvfds, sendfds
from typing import Any

from interopcheck.export.idspill import SpillIndex


class _Feed:
    """The body of one task as its chunks arrive; `drain()` reads past what the scan did not need."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.ended = False

    def __iter__(self) -> Iterator[bytes]:
        recv = self.conn.recv_bytes
        while not self.ended:
            chunk = recv()
            if not chunk:
                self.ended = True
                return
            yield chunk

    def drain(self) -> None:
        """Read to the end marker (the sender may have sent more before it saw `stop`)."""
        while not self.ended:
            if not self.conn.recv_bytes():
                self.ended = True


def index_meta(index: SpillIndex) -> tuple[int, int, list[list[tuple[int, int]]]]:
    """What, besides its file descriptor, rebuilds a SpillIndex in another process."""
    return index.count, index.duplicates, index._segments


def index_from(fd: int, meta: tuple[int, int, list[list[tuple[int, int]]]]) -> SpillIndex:
    """A SpillIndex over a received file descriptor (the unnamed file lives while one process holds it)."""
    count, duplicates, segments = meta
    index = SpillIndex(open(fd, "rb", buffering=0), segments, count)  # noqa: SIM115 - closed by index.close()
    index.duplicates = duplicates
    return index


class _Worker:
    """One worker's state: the standards and declaration it validates and maps with."""

    def __init__(self, conn: Connection, sock: socket.socket, init: dict[str, Any]) -> None:
        self.conn, self.sock = conn, sock
        sys.path[:0] = [p for p in init.get("sys_path", ()) if p not in sys.path]
        self._standards_spec = init.get("standards")
        self._standards: Any = None
        self.declaration = init.get("declaration")

    @property
    def standards(self) -> Any:
        """The standards, loaded on the first record scan (a worker that only reads CSVs never needs them)."""
        if self._standards is None and self._standards_spec is not None:
            self._standards = _load_standards(self._standards_spec)
        return self._standards

    def run(self) -> None:
        """Serve tasks until the parent closes its end."""
        while True:
            try:
                task = self.conn.recv()
            except EOFError:
                return
            if task[0] == "stats":
                usage = resource.getrusage(resource.RUSAGE_SELF)
                self.conn.send(("stats", peak_rss_mb(), usage.ru_utime + usage.ru_stime))
                continue
            targets = recvfds(self.sock, task[2]) if task[0] == "records" and task[2] else []
            feed = _Feed(self.conn)
            try:
                reply, indexes = self._task(task, feed, targets)
            except Exception:  # noqa: BLE001 - reported to the parent, which raises its own error
                reply, indexes = ("error", traceback.format_exc(limit=8)), []
            self.conn.send(("stop",))
            feed.drain()
            self.conn.send(reply)
            if indexes:
                sendfds(self.sock, [i._file.fileno() for i in indexes])
            for index in indexes:  # the parent holds its own descriptors now
                index.close()

    def _task(self, task: tuple[Any, ...], feed: _Feed, target_fds: list[int]) -> tuple[Any, list[SpillIndex]]:
        """Run one scan over the feed: (the reply, the indexes whose descriptors follow it)."""
        from interopcheck.export.csvscan import scan_csv
        from interopcheck.export.scan import scan_records
        from interopcheck.export.validate import mapper_for

        kind, entity, kwargs = task[0], task[1], dict(task[3])
        if kind == "csv":
            scan = scan_csv(entity, feed, **kwargs)
            scan.ids.close()
            return ("ok", replace(scan, ids=None), []), []
        fds = iter(target_fds)
        targets = {ref: (index_from(next(fds), meta) if meta is not None else None) for ref, meta in task[4]}
        validator = self.standards.validator(entity) if kwargs.pop("validate") and self.standards is not None else None
        mapper = mapper_for(self.declaration, entity) if kwargs.pop("mapped") else None
        try:
            scan = scan_records(entity, kwargs.pop("fmt"), feed, validator=validator, mapper=mapper, targets=targets, **kwargs)
        finally:
            for target in targets.values():
                if target is not None:
                    target.close()
        indexes = [scan.ids] + ([scan.expected_since] if scan.expected_since is not None else [])
        reply = ("ok", replace(scan, ids=None, expected_since=None), [index_meta(i) for i in indexes])
        return reply, indexes


def peak_rss_mb() -> float:
    """This process's own peak RSS in MB: VmHWM where Linux has it (ru_maxrss also counts the parent's RSS at fork)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load_standards(spec: tuple[str, ...] | None) -> Any:
    """The standards to validate with: the bundled registry from its folder (and year), or a named factory (tests)."""
    if spec is None:
        return None
    how, value = spec[0], spec[1]
    if how == "root":
        from pathlib import Path

        from interopcheck.standards.registry import build_registry

        year = spec[2] if len(spec) > 2 else ""
        return build_registry(Path(value), int(year) if year else None)
    module, _, attr = value.partition(":")
    factory = getattr(__import__(module, fromlist=[attr]), attr)
    return factory()


def main(argv: list[str]) -> int:
    """Entry point: serve the socket whose descriptor is argv[1]; Ctrl-C is the parent's to handle.

    A worker prints nothing: a task's error travels back as its reply, and a parent that is gone (the run
    ended, or was cut short, while this worker was mid-task) shows as end-of-input or a broken pipe at any
    point of the protocol, which ends the worker quietly (issue 19 item 17: a traceback on one run in six).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if len(argv) > 2:  # the file the records read so far are kept in, for the checking process's progress display
            from interopcheck.export.scan import RECORDS_READ

            RECORDS_READ.mirror_to(int(argv[2]))
        fd = int(argv[1])
        sock = socket.socket(fileno=fd)
        conn = Connection(os.dup(fd))
        init = conn.recv()
        worker = _Worker(conn, sock, init)
        conn.send(("ready",))
        worker.run()
    except (EOFError, OSError):  # the parent closed its end or went away: nothing left to answer
        return 0
    except BaseException:  # noqa: BLE001 - no parent to hear it; its pool reports the worker as failed
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
