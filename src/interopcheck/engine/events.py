"""What a run tells its caller while it works: progress events, and the ticker that samples its counters.

The engine never draws anything: it hands `RunEvent`s to the caller's sink (the CLI's
`cli/progress.py` draws them). Kinds: "stage" (status "start" or "end"; a stage that will not run is
never announced), "check" (one check finished, with its status; `done` of `total`), "requests"
(requests sent to the sandbox so far, `done`), "records" (export records read so far, `done`) and
"note" (a line of text, `message`). Counters live where the work is counted (the live client, the
export scans); a `Ticker` thread samples them, so a long check still shows movement.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

STAGE, CHECK, REQUESTS, RECORDS, NOTE = "stage", "check", "requests", "records", "note"

#: Seconds between two samples of the counters (the display's own refresh rate is the CLI's business).
TICK_S = 0.5


@dataclass(frozen=True)
class RunEvent:
    """One thing that happened during a run (see the module docstring for the kinds)."""

    kind: str
    stage: str | None = None
    done: int = 0
    total: int = 0
    check_id: str | None = None
    status: str | None = None
    message: str = ""


EventSink = Callable[[RunEvent], None]


def ignore(_event: RunEvent) -> None:
    """The sink of a run nobody watches."""


class Ticker:
    """A daemon thread that samples counters every `interval` seconds and emits an event when one moved.

    `counters` maps an event kind ("requests", "records") to a function returning its running total.
    Use as a context manager; the last values are emitted once more when it stops.
    """

    def __init__(self, sink: EventSink, counters: dict[str, Callable[[], int]], interval: float = TICK_S) -> None:
        self._sink = sink
        self._counters = counters
        self._interval = interval
        self._last: dict[str, int] = {}
        self._stop = threading.Event()
        self._started = False
        self._thread = threading.Thread(target=self._loop, name="interopcheck-progress", daemon=True)

    def __enter__(self) -> Ticker:
        if self._counters:
            self._start()
        return self

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self._interval * 4)
        self.sample()

    def add(self, kind: str, counter: Callable[[], int]) -> None:
        """Sample one more counter (e.g. the live client's, once the session is open)."""
        self._counters = {**self._counters, kind: counter}
        if not self._stop.is_set():
            self._start()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.sample()

    def sample(self) -> None:
        """Emit each counter that moved since the last sample."""
        for kind, counter in list(self._counters.items()):
            try:
                value = int(counter())
            except Exception:  # noqa: BLE001 - a counter that cannot be read (a closed client) shows no movement
                continue
            if value != self._last.get(kind, 0):  # a counter still at 0 has nothing to show
                self._last[kind] = value
                self._sink(RunEvent(kind, done=value))
