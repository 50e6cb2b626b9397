"""The live client's failures: each a LiveError carrying the redacted evidence of the exchange that failed.

Checks turn these into `fail` or `error` findings with the exchange attached, so a hostile
sandbox produces a reason, never a traceback.
"""

from __future__ import annotations

from interopcheck.errors import LiveError
from interopcheck.model import Exchange


class LiveRequestError(LiveError):
    """A request that produced no usable response; `exchange` is the evidence (with `error` set)."""

    def __init__(self, message: str, *, exchange: Exchange | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.exchange = exchange


class SandboxTimeout(LiveRequestError):
    """Connect or read timeout, or the per-request deadline passed while the body was still arriving."""


class SandboxUnreachable(LiveRequestError):
    """The connection failed (refused, DNS, TLS handshake, protocol error)."""


class BodyDropped(SandboxUnreachable):
    """The connection broke after the response headers, while the body was being read."""


class ResponseTooLarge(LiveRequestError):
    """The response body went over the byte cap."""


class BadContentEncoding(LiveRequestError):
    """A body that cannot be decoded: stacked or unoffered Content-Encodings, or corrupt compressed data."""


class CrossOriginRedirect(LiveRequestError):
    """The sandbox redirected outside its own origin; the redirect was not followed."""


class OffOriginRequest(LiveRequestError):
    """A URL outside the sandbox's origin was asked for (a next link to another host, say)."""


class RunDeadlineExceeded(LiveRequestError):
    """The live run's total time budget is spent; no more requests are sent."""


class InvalidBody(LiveRequestError):
    """A body that should be JSON is not."""
