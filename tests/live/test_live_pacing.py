"""The request-rate cap (`live.pacing.TokenBucket`): no 1-second window holds more than `--rate` requests."""

from __future__ import annotations

import bisect

from hypothesis import given, settings
from hypothesis import strategies as st

from interopcheck.live.pacing import TokenBucket


class FakeTime:
    """A clock that only moves when slept or when the test lets time pass."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


def _most_in_a_window(times: list[float], window: float) -> int:
    """The most send times in any half-open window [t, t + window)."""
    return max(bisect.bisect_left(times, t + window - 1e-9) - i for i, t in enumerate(times))


def test_rate_10_never_sends_more_than_10_in_a_second() -> None:
    t = FakeTime()
    bucket = TokenBucket(10.0, clock=t.clock, sleep=t.sleep)
    sent = []
    for _ in range(40):
        bucket.acquire()
        sent.append(t.now)
    assert _most_in_a_window(sent, 1.0) == 10  # the old bucket let 19 through in the first second
    assert t.now >= 3.0  # 40 requests take at least three full windows


@settings(max_examples=200, deadline=None)
@given(
    rate=st.sampled_from([0.5, 1.0, 2.0, 2.5, 10.0, 37.0]),
    gaps=st.lists(st.floats(min_value=0.0, max_value=1.5, allow_nan=False), min_size=1, max_size=80),
)
def test_the_cap_holds_over_every_window(rate: float, gaps: list[float]) -> None:
    t = FakeTime()
    bucket = TokenBucket(rate, clock=t.clock, sleep=t.sleep)
    sent = []
    for gap in gaps:
        t.now += gap  # the caller's own pace between requests
        bucket.acquire()
        sent.append(t.now)
    assert _most_in_a_window(sent, 1.0) <= max(1, int(rate))
    if rate < 1:
        assert _most_in_a_window(sent, 1 / rate) == 1


def test_a_slow_caller_never_waits() -> None:
    t = FakeTime()
    slept: list[float] = []
    bucket = TokenBucket(2.0, clock=t.clock, sleep=lambda s: (slept.append(s), t.sleep(s)))
    for _ in range(5):
        bucket.acquire()
        t.now += 0.6
    assert slept == []


def test_a_request_counts_from_when_its_answer_came() -> None:
    t = FakeTime()
    bucket = TokenBucket(2.0, clock=t.clock, sleep=t.sleep)
    first = bucket.acquire()
    t.now += 0.3  # the answer took 0.3 s: the server saw the request somewhere in between
    bucket.answered(first)
    bucket.acquire()
    bucket.acquire()
    assert t.now == 1.3  # a window after the first answer, not after the first send


def test_the_server_never_sees_more_than_rate_requests_in_a_second() -> None:
    import socket
    import time

    from live_servers import serve_raw

    from interopcheck.live.client import SafeClient

    seen: list[float] = []

    def handle(conn: socket.socket, head: bytes) -> None:
        seen.append(time.monotonic())
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")

    with serve_raw(handle) as url, SafeClient(url, rate=10) as client:
        for _ in range(25):
            client.get("/v1/x")
    assert len(seen) == 25
    assert _most_in_a_window(sorted(seen), 1.0) <= 10  # the old bucket: 20 at the server
