"""What an open stream needs from the client that opened it: the shared type below `client` and `response`.

`LiveStream` (response.py) records evidence and raises the client's failures through this
protocol, which `SafeClient` (client.py) satisfies, so neither module imports the other's type.
"""

from __future__ import annotations

from typing import Protocol

import httpx

from interopcheck.live.redact import Redactor
from interopcheck.model import Exchange


class Recorder(Protocol):
    """The evidence side of the safe client: redaction, recording exchanges, describing failures."""

    redactor: Redactor

    def _record(
        self,
        req: httpx.Request,
        resp: httpx.Response | None,
        body: bytes,
        truncated: bool,
        elapsed_ms: float,
        error: str | None = None,
        keep: bool = True,
    ) -> Exchange:
        """Build (and with `keep`, keep) the redacted evidence of one exchange."""
        ...

    def _fail(self, req: httpx.Request, exc: Exception, start: float, resp: httpx.Response | None = None) -> Exchange:
        """Record the evidence of a transport failure."""
        ...

    def _why(self, req: httpx.Request, exc: Exception, what: str) -> str:
        """A one-line, redacted description of a failed request."""
        ...

    def _check_deadline(self, resp: httpx.Response, req: httpx.Request, start: float, limit: float | None, head: bytes) -> None:
        """SandboxTimeout when `limit` seconds have passed since `start`."""
        ...
