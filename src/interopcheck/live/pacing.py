"""Politeness: the request-rate cap (a token bucket) and Retry-After parsing."""

from __future__ import annotations

import collections
import email.utils
import math
import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Request-rate cap over a sliding window: no 1-second window ever holds more than `rate` requests.

    A token bucket that starts full lets a burst of `rate` through and then `rate` more within the
    same second (19 in one second at `--rate 10`). Here the times of the last `n` requests are kept
    and the next waits until the oldest of them is a window old: `n = floor(rate)` in a window of
    1 s, or, below one request a second, one request per `1 / rate` seconds. A request's time is
    when it was let go, moved on to when its answer began to arrive (`answered`): the server saw it
    in between, so windows counted at the server hold too, whatever the network's jitter.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate = rate
        self.burst = max(1, math.floor(rate))
        self.window = 1.0 if rate >= 1 else 1.0 / rate
        self._sent: collections.deque[list[float]] = collections.deque(maxlen=self.burst)
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()

    def acquire(self) -> list[float]:
        """Block until one request may be sent without breaking the cap in any window; its slot, for `answered`."""
        with self._lock:
            now = self._clock()
            if len(self._sent) == self.burst:
                earliest = self._sent[0][0] + self.window
                if now < earliest:
                    self._sleep(earliest - now)
                now = max(self._clock(), earliest)  # never recorded earlier than allowed, whatever the clock did
            slot = [now]
            self._sent.append(slot)
            return slot

    def answered(self, slot: list[float]) -> None:
        """The request of `slot` has its answer (or failed): count it from now."""
        with self._lock:
            slot[0] = max(slot[0], self._clock())


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
