"""What the safe client hands back: a complete `LiveResponse`, or an open `LiveStream` for large downloads.

Both carry redacted evidence; the stream enforces its own byte cap and deadline while iterating.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from interopcheck.live.failures import BadContentEncoding, InvalidBody, ResponseTooLarge, SandboxTimeout, SandboxUnreachable
from interopcheck.live.recorder import Recorder
from interopcheck.model import Exchange
from interopcheck.net.decoding import ContentCodingError, response_chunks
from interopcheck.net.transport import request_deadline

HTTPX_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError)


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with default ports filled in."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def origin_or_none(url: str) -> tuple[str, str, int | None] | None:
    """`origin(url)`, or None for a URL that does not parse (never equal to the sandbox's origin)."""
    try:
        return origin(url)
    except ValueError:
        return None


@dataclass(frozen=True)
class LiveResponse:
    """A complete response as read under the caps, with its redacted evidence."""

    status: int
    headers: dict[str, str]  # lower-case names
    content: bytes
    truncated: bool
    elapsed_ms: float
    url: str
    exchange: Exchange

    @property
    def content_type(self) -> str:
        """The Content-Type header, or an empty string."""
        return self.headers.get("content-type", "")

    def text(self) -> str:
        """The body decoded as UTF-8 (invalid bytes replaced)."""
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON; `InvalidBody` (with the evidence) when it is not."""
        try:
            return orjson.loads(self.content)
        except orjson.JSONDecodeError as exc:
            raise InvalidBody(f"the body of {self.url} is not valid JSON: {exc}", exchange=self.exchange) from None


def response_headers(headers: httpx.Headers) -> dict[str, str]:
    """Headers with lower-case names, repeated ones joined by commas."""
    out: dict[str, str] = {}
    for name, value in headers.multi_items():
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def bad_coding(client: Recorder, req: httpx.Request, resp: httpx.Response, start: float, exc: ContentCodingError) -> BadContentEncoding:
    """The sandbox's failure for a body that cannot be decoded, with its evidence."""
    return BadContentEncoding(
        f"{client.redactor.url(str(req.url))} sent a body that was not decoded: {exc}",
        exchange=client._record(req, resp, b"", True, ms_since(start), error=f"not decoded: {exc}"),
    )


def next_chunk(chunks: Iterator[bytes], deadline: float | None) -> bytes | None:
    """The next body chunk, its socket reads bounded by `deadline`; None at the end."""
    with request_deadline(deadline):
        return next(chunks, None)


def ms_since(start: float) -> float:
    """Milliseconds since monotonic `start`."""
    return (time.monotonic() - start) * 1000


class LiveStream:
    """An open streamed response: status, headers and `iter_bytes()` under the stream's cap and deadline."""

    def __init__(
        self,
        client: Recorder,
        resp: httpx.Response,
        req: httpx.Request,
        start: float,
        max_bytes: int | None,
        deadline_s: float | None,
    ) -> None:
        self._client, self._resp, self._req, self._start = client, resp, req, start
        self.status_code = resp.status_code
        self.headers = response_headers(resp.headers)
        self.url = client.redactor.url(str(resp.url))
        self.max_bytes = max_bytes
        self.deadline_s = deadline_s
        self.bytes_read = 0

    def iter_bytes(self) -> Iterator[bytes]:
        """The decoded body in chunks; ResponseTooLarge / SandboxTimeout when a cap or the deadline is passed."""
        client, req = self._client, self._req
        chunks_in = response_chunks(self._resp)  # inflated in bounded pieces, never by httpx's decoder
        deadline = self._start + self.deadline_s if self.deadline_s is not None else None
        try:
            while (chunk := next_chunk(chunks_in, deadline)) is not None:
                self.bytes_read += len(chunk)
                if self.max_bytes is not None and self.bytes_read > self.max_bytes:
                    raise ResponseTooLarge(
                        f"{client.redactor.url(str(req.url))} sent more than the {self.max_bytes}-byte stream cap",
                        exchange=client._record(req, self._resp, b"", True, ms_since(self._start), error=f"stream over the {self.max_bytes}-byte cap"),
                    )
                client._check_deadline(self._resp, req, self._start, self.deadline_s, b"")
                yield chunk
        except ContentCodingError as exc:
            raise bad_coding(client, req, self._resp, self._start, exc) from None
        except httpx.TimeoutException as exc:
            raise SandboxTimeout(client._why(req, exc, "timed out streaming"), exchange=client._fail(req, exc, self._start, self._resp)) from None
        except HTTPX_ERRORS as exc:
            raise SandboxUnreachable(client._why(req, exc, "failed streaming"), exchange=client._fail(req, exc, self._start, self._resp)) from None

    @property
    def exchange(self) -> Exchange:
        """Evidence of the request and response head (the body is not kept); not recorded again."""
        return self._client._record(self._req, self._resp, b"", False, ms_since(self._start), keep=False)
