"""Export scans in worker processes: this process downloads, a worker parses, validates and indexes.

One process under the GIL was the bound of the export checks. With a `ScanPool`, each body is still
fetched here through the one safe client (rate cap, timeouts, byte caps, redirects, redaction, the
transcript), and its chunks are streamed to a worker (`export.worker`) that runs the same
`scan_records` / `scan_csv`; a worker that finishes early (a limit, a fatal problem) says so and the
download stops, as it does in process. Id hashes are only comparable within one hash seed, so every
worker of a pool gets the same PYTHONHASHSEED, and a context whose pool is used scans every record
export through it (never mixing in-process hashes). A worker is killed when anything goes wrong while
it is fed (an error, Ctrl-C: the exception still propagates), the pool closes the rest, and a worker
whose parent is gone sees end-of-input and exits.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import recvfds, sendfds
from typing import Any

from interopcheck.errors import InteropcheckError
from interopcheck.export.idspill import spill_index
from interopcheck.export.scan import RECORDS_READ, EntityScan
from interopcheck.export.worker import index_from, index_meta

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 5.0


class WorkerFailed(InteropcheckError):
    """An export worker process could not start or failed during a scan (the check errors; never a pass)."""


class _Proc:
    """One worker process and our end of its socket."""

    def __init__(self, init: dict[str, Any], seed: str) -> None:
        ours, theirs = socket.socketpair()
        self.counter = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's running count of records read; closed with the worker
        self.reported = 0  # of that count, the records already added to this process's RECORDS_READ (finished scans)
        try:
            env = {**os.environ, "PYTHONHASHSEED": seed}
            fds = (theirs.fileno(), self.counter.fileno())
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "interopcheck.export.worker", *map(str, fds)],
                pass_fds=fds, env=env, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        except OSError as exc:
            ours.close()
            self.counter.close()
            raise WorkerFailed(f"could not start an export worker: {exc}") from None
        finally:
            theirs.close()
        self.sock = ours
        self.conn = Connection(os.dup(ours.fileno()))
        self.peak_mb: float | None = None
        self.cpu_s: float | None = None
        try:
            self.conn.send(init)
            if not self.conn.poll(START_TIMEOUT_S) or self.conn.recv() != ("ready",):
                raise WorkerFailed("an export worker did not start")
        except (OSError, EOFError) as exc:
            self.kill()
            raise WorkerFailed(f"an export worker did not start: {exc}") from None
        except BaseException:
            self.kill()
            raise

    def run(self, task: tuple[Any, ...], fds: list[int], chunks: Iterable[bytes]) -> tuple[Any, list[int]]:
        """Send `task` (and `fds`), stream the body, and return the reply with the descriptors that follow it.

        The body's own exceptions (a limit, a broken download) pass through unchanged; a worker that is
        gone or breaks the protocol is a WorkerFailed.
        """
        try:
            self.conn.send(task)
            if fds:
                sendfds(self.sock, fds)
            send, ready = self.conn.send_bytes, self.conn.poll
            for chunk in chunks:
                if chunk:
                    send(chunk)
                    if ready():  # the worker's `stop`: its scan is done, the rest of the body is not needed
                        break
            send(b"")
            reply = self.conn.recv()
            if reply[0] == "stop":
                reply = self.conn.recv()
            received = recvfds(self.sock, len(reply[2])) if reply[0] == "ok" and len(reply) > 2 and reply[2] else []
        except (OSError, EOFError) as exc:
            raise WorkerFailed(f"the export worker stopped: {type(exc).__name__}: {exc}") from None
        return reply, received

    def in_flight(self) -> int:
        """Records the worker has read in the scan under way (0 between scans)."""
        try:
            read = int.from_bytes(os.pread(self.counter.fileno(), 8, 0), "little")
        except (OSError, ValueError):  # closed: the worker is gone
            return 0
        return max(0, read - self.reported)

    def stats(self) -> None:
        """Ask for the worker's peak RSS and CPU seconds (kept in `peak_mb`, `cpu_s`)."""
        with contextlib.suppress(OSError, EOFError):
            self.conn.send(("stats",))
            if self.conn.poll(STOP_TIMEOUT_S):
                _, self.peak_mb, self.cpu_s = self.conn.recv()

    def close(self) -> None:
        """End the worker by closing its input, and reap it (killed if it does not go)."""
        self.conn.close()
        self.sock.close()
        self.counter.close()
        try:
            self.popen.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Kill and reap the worker now."""
        with contextlib.suppress(OSError):
            self.conn.close()
            self.sock.close()
            self.counter.close()
        with contextlib.suppress(OSError):
            self.popen.kill()
        self.popen.wait()


class ScanPool:
    """Up to `size` worker processes for one run's export scans, all with one hash seed."""

    def __init__(self, init: dict[str, Any], size: int = 2) -> None:
        self._init = init
        self._size = size
        self._seed = str(random.SystemRandom().randrange(1, 2**32 - 1))
        self._idle: list[_Proc] = []
        self._live: list[_Proc] = []
        self._starting = 0
        self._started = 0  # workers ever started: one killed after a cut-short scan is replaced on demand
        self._failure: str | None = None
        self._cond = threading.Condition()
        self._closed = False
        self.peaks_mb: list[float] = []
        self.cpu_s: list[float] = []
        self._finalizer = weakref.finalize(self, _close_all, self._live)
        self._source = _in_flight_of(weakref.ref(self))  # what RECORDS_READ sums while the pool is open (weak: a dropped pool goes)
        weakref.finalize(self, RECORDS_READ.sources.discard, self._source)

    def in_flight(self) -> int:
        """Records read by the scans under way in this pool's workers (for progress displays)."""
        with self._cond:
            procs = list(self._live)
        return sum(proc.in_flight() for proc in procs)

    def start(self) -> None:
        """Start the workers in the background (their start-up overlaps the first downloads)."""
        RECORDS_READ.sources.add(self._source)
        with self._cond:
            wanted = self._size - len(self._live) - self._starting
            self._starting += wanted
        for _ in range(wanted):
            threading.Thread(target=self._start_one, name="export-worker-start", daemon=True).start()

    def _start_one(self) -> None:
        proc: _Proc | None = None
        try:
            proc = _Proc(self._init, self._seed)
        except WorkerFailed as exc:
            failure = exc.message
        except Exception as exc:  # noqa: BLE001 - a thread's uncaught exception would be printed; the pool reports it instead
            failure = f"could not start an export worker: {type(exc).__name__}: {exc}"
        with self._cond:
            self._starting -= 1
            if proc is None:
                self._failure = failure
            elif self._closed:
                proc.kill()
            else:
                self._live.append(proc)
                self._idle.append(proc)
                self._started += 1
            self._cond.notify_all()

    def usable(self, timeout: float = START_TIMEOUT_S) -> bool:
        """Whether a worker started (waiting for the first start-up to end); False: scan in this process.

        A worker started counts even after it was killed (a scan cut short by a limit kills its
        worker; `worker()` starts another), so the answer does not depend on when it is asked.
        """
        with self._cond:
            self._cond.wait_for(lambda: self._started or not self._starting or self._closed, timeout)
            return bool(self._started) and not self._closed

    @contextlib.contextmanager
    def worker(self) -> Iterator[_Proc]:
        """A worker for one task: back to the pool after it, killed if the task raised (also Ctrl-C)."""
        with self._cond:
            while not self._idle:
                if self._closed:
                    raise WorkerFailed("the export worker pool is closed")
                if not self._starting and len(self._live) < self._size:
                    self._starting += 1
                    threading.Thread(target=self._start_one, name="export-worker-start", daemon=True).start()
                if not self._starting and not self._idle and len(self._live) < self._size:
                    raise WorkerFailed(f"no export worker could start: {self._failure}")
                self._cond.wait(1.0)
            proc = self._idle.pop()
        try:
            yield proc
        except BaseException:
            with self._cond:
                if proc in self._live:
                    self._live.remove(proc)
                self._cond.notify_all()
            proc.kill()
            raise
        with self._cond:
            self._idle.append(proc)
            self._cond.notify_all()

    def processes(self) -> list[subprocess.Popen[bytes]]:
        """The worker processes alive now (for tests and diagnostics)."""
        with self._cond:
            return [proc.popen for proc in self._live]

    def close(self) -> None:
        """Stop every idle worker (each reports its peak RSS first, into `peaks_mb`); busy ones are killed."""
        RECORDS_READ.sources.discard(self._source)
        with self._cond:
            self._closed = True
            idle, busy = list(self._idle), [p for p in self._live if p not in self._idle]
            self._idle.clear()
            self._live.clear()
            self._cond.notify_all()
        for proc in idle:
            proc.stats()
            if proc.peak_mb is not None:
                self.peaks_mb.append(proc.peak_mb)
                self.cpu_s.append(proc.cpu_s or 0.0)
            proc.close()
        for proc in busy:
            proc.kill()


def _in_flight_of(ref: weakref.ReferenceType[ScanPool]) -> Callable[[], int]:
    """The pool's `in_flight`, through a weak reference (0 once the pool is gone)."""

    def in_flight() -> int:
        pool = ref()
        return pool.in_flight() if pool is not None else 0

    return in_flight


def _close_all(procs: list[_Proc]) -> None:
    """Finalizer: kill whatever workers are left (the pool was dropped or the process is exiting)."""
    for proc in list(procs):
        proc.kill()
    procs.clear()


def pooled_records(pool: ScanPool, entity: str, fmt: str, chunks: Iterable[bytes], kwargs: dict[str, Any]) -> EntityScan:
    """`scan_records(entity, fmt, chunks, **kwargs)` run by a worker (the validator and mapper are the worker's own)."""
    args = {k: v for k, v in kwargs.items() if k not in ("validator", "mapper", "targets")}
    args.update(fmt=fmt, validate=kwargs.get("validator") is not None, mapped=kwargs.get("mapper") is not None)
    targets = [(ref, index) for ref, index in (kwargs.get("targets") or {}).items()]
    metas = [(ref, index_meta(index) if index is not None else None) for ref, index in targets]
    fds = [index._file.fileno() for _, index in targets if index is not None]
    with pool.worker() as proc:
        reply, received = proc.run(("records", entity, len(fds), args, metas), fds, chunks)
        if reply[0] == "ok":  # the scan's records move from the worker's in-flight count to this process's
            proc.reported += reply[1].records
            RECORDS_READ.add(reply[1].records)
    if reply[0] != "ok":
        raise WorkerFailed(f"the export worker failed scanning {entity}: {reply[1].strip().splitlines()[-1]}")
    indexes = [index_from(fd, meta) for fd, meta in zip(received, reply[2], strict=True)]
    return replace(reply[1], ids=indexes[0], expected_since=indexes[1] if len(indexes) > 1 else None)


def pooled_csv(pool: ScanPool, entity: str, chunks: Iterable[bytes], kwargs: dict[str, Any]) -> EntityScan:
    """`scan_csv(entity, chunks, **kwargs)` run by a worker."""
    with pool.worker() as proc:
        reply, _ = proc.run(("csv", entity, 0, kwargs), [], chunks)
    if reply[0] != "ok":
        raise WorkerFailed(f"the export worker failed scanning the {entity} CSV: {reply[1].strip().splitlines()[-1]}")
    return replace(reply[1], ids=spill_index(()))
