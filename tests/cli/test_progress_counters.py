"""The counters the progress display reads: requests the live client sent, export records read (in this
process, and in worker processes while their scans are still under way), sampled by the engine's ticker."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator

import httpx

from interopcheck.engine.events import RunEvent, Ticker
from interopcheck.export.scan import RECORDS_READ, scan_records
from interopcheck.export.workers import ScanPool, pooled_records
from interopcheck.live.client import SafeClient


def _records(first: int, n: int) -> bytes:
    return b"".join(b'{"id": "p-%d"}\n' % i for i in range(first, first + n))


def test_the_live_client_counts_every_request_it_sends_retries_included() -> None:
    answers = iter([429, 200, 200])
    transport = httpx.MockTransport(lambda req: httpx.Response(next(answers), headers={"retry-after": "0"}, json={}))
    client = SafeClient("http://sandbox.test", transport=transport, rate=1000, sleep=lambda _s: None)
    client.get("/a")
    client.get("/b")
    assert client.requests_sent == 3


def test_scans_in_this_process_add_every_record_they_read() -> None:
    before = RECORDS_READ.total()
    scan_records("person", "ndjson", [_records(0, 2500)], validator=None, ids_mode="none")
    assert RECORDS_READ.total() - before == 2500


def test_a_worker_scan_under_way_shows_in_the_total_and_is_counted_once_when_it_ends() -> None:
    pool = ScanPool({"sys_path": list(sys.path), "standards": None, "declaration": None}, size=1)
    pool.start()
    assert pool.usable()
    before = RECORDS_READ.total()
    seen_midway: list[int] = []

    def chunks() -> Iterator[bytes]:
        yield _records(0, 3000)
        deadline = time.monotonic() + 20  # only to catch a hang
        while RECORDS_READ.total() - before < 2048 and time.monotonic() < deadline:
            time.sleep(0.05)
        seen_midway.append(RECORDS_READ.total() - before)
        yield _records(3000, 1000)

    try:
        scan = pooled_records(pool, "person", "ndjson", chunks(), {"ids_mode": "none"})
    finally:
        pool.close()
    assert scan.records == 4000
    assert seen_midway and 2048 <= seen_midway[0] <= 3000
    assert RECORDS_READ.total() - before == 4000


def test_the_ticker_emits_a_counter_only_when_it_moved() -> None:
    events: list[RunEvent] = []
    value = [0]
    moved = threading.Event()

    def sink(event: RunEvent) -> None:
        events.append(event)
        moved.set()

    with Ticker(sink, {"requests": lambda: value[0]}, interval=0.01):
        time.sleep(0.05)
        assert events == []  # nothing moved yet
        value[0] = 7
        assert moved.wait(5)
    assert [(e.kind, e.done) for e in events] == [("requests", 7)]
