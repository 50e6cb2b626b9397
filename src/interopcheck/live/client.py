"""The one safe HTTP client for all live traffic: timeouts, byte caps, deadlines, rate cap, origin-bound redirects.

Evaluators point the tool at sandboxes they do not own, so every request is polite (rate
cap, bounded retries honouring Retry-After), read-only unless writes are allowed, and cannot
be held hostage (per-request deadline checked while streaming, byte caps). Every exchange is
recorded, redacted, as a `model.Exchange`; every httpx failure becomes a `LiveError`.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from interopcheck import __version__
from interopcheck.errors import LiveError, WriteRefused
from interopcheck.live.auth import Credentials, NoCredentials
from interopcheck.live.failures import (
    BodyDropped,
    CrossOriginRedirect,
    LiveRequestError,
    OffOriginRequest,
    ResponseTooLarge,
    RunDeadlineExceeded,
    SandboxTimeout,
    SandboxUnreachable,
)
from interopcheck.live.pacing import TokenBucket, retry_after_seconds
from interopcheck.live.redact import Redactor, curl_line
from interopcheck.live.response import (
    HTTPX_ERRORS,
    LiveResponse,
    LiveStream,
    bad_coding,
    ms_since,
    next_chunk,
    origin,
    origin_or_none,
    response_headers,
)
from interopcheck.model import Exchange, HttpRequest, HttpResponse
from interopcheck.net.decoding import ACCEPT_ENCODING, ContentCodingError, response_chunks
from interopcheck.net.transport import deadline_transport, request_deadline

EVIDENCE_CAP = 64 * 1024
MAX_RETRIES = 3
MAX_RETRY_WAIT_S = 10.0
MAX_REDIRECTS = 5
MAX_RECORDED_EXCHANGES = 5000
_REDIRECTS = (301, 302, 303, 307, 308)
_SAFE_METHODS = ("GET", "HEAD")
#: A connection that died: before any response, a reused keep-alive connection the server closed while idle.
_DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class SafeClient:
    """httpx.Client wrapped so no sandbox can hang, flood, redirect or trick the tool."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_response_bytes: int = 10_000_000,
        rate: float = 10.0,
        ca_bundle: str | None = None,
        allow_writes: bool = False,
        credentials: Credentials | None = None,
        redactor: Redactor | None = None,
        request_deadline_s: float | None = None,
        run_deadline: float | None = None,
        evidence_cap: int = EVIDENCE_CAP,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        try:
            if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).hostname:
                raise ValueError("not an http(s) URL with a host")
            self.origin = origin(base_url)
        except ValueError as exc:
            raise LiveError(f"the base URL {base_url!r} cannot be used: {exc}") from None
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.allow_writes = allow_writes
        self.credentials: Credentials = credentials or NoCredentials()
        self.redactor = redactor or Redactor()
        self.request_deadline_s = request_deadline_s if request_deadline_s is not None else max(3 * timeout, timeout + 5)
        self.run_deadline = run_deadline
        self.evidence_cap = evidence_cap
        self.exchanges: list[Exchange] = []
        self.exchange_times: list[float] = []  # when each kept exchange started (epoch seconds), for the transcript
        self.dropped_exchanges = 0
        self.requests_sent = 0  # every request put on the wire (retries, redirects and schemathesis' included), for progress
        self._sent_lock = threading.Lock()
        self._sleep = sleep
        self.rate = rate
        self._bucket = TokenBucket(rate, sleep=sleep)
        try:
            verify: Any = ssl.create_default_context(cafile=ca_bundle) if ca_bundle else True
            self._http = httpx.Client(
                timeout=httpx.Timeout(timeout),
                verify=verify,
                follow_redirects=False,
                transport=transport or deadline_transport(verify),
                headers={"User-Agent": f"interopcheck/{__version__}", "Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING},
            )
        except HTTPX_ERRORS as exc:
            raise LiveError(f"could not set up the HTTP client: {type(exc).__name__}: {exc}") from None

    # -- public -----------------------------------------------------------------------

    def resolve(self, path_or_url: str) -> str:
        """An absolute URL for `path_or_url`: absolute URLs as given, paths under the base URL's path."""
        if urlsplit(path_or_url).scheme:
            return path_or_url
        base_path = urlsplit(self.base_url).path.rstrip("/")
        path = path_or_url if path_or_url.startswith("/") else "/" + path_or_url
        if base_path and not (path == base_path or path.startswith(base_path + "/")):
            path = base_path + path
        return urljoin(self.base_url + "/", path)

    def get(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        *,
        truncate: bool = False,
    ) -> LiveResponse:
        """GET under every cap; over the byte cap raises ResponseTooLarge, or with `truncate` keeps the head."""
        return self.request("GET", path_or_url, params=params, headers=headers, auth=auth, truncate=truncate)

    def head(self, path_or_url: str, params: Mapping[str, Any] | None = None, auth: bool = True) -> LiveResponse:
        """HEAD under every cap."""
        return self.request("HEAD", path_or_url, params=params, auth=auth)

    def request(
        self,
        method: str,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        *,
        content: bytes | None = None,
        truncate: bool = False,
        follow_redirects: bool = True,
    ) -> LiveResponse:
        """Any method (non-GET/HEAD only with `allow_writes`), with the body read under the caps.

        With `follow_redirects` off, a redirect within the sandbox's origin is returned as it is;
        one that leaves the origin is refused either way. A GET or HEAD whose connection breaks
        while its body is read is asked once more (a transport blip is not the API's answer); a
        second break, or a broken write, is the failure.
        """
        for attempt in (1, 2):
            with self._open(method, path_or_url, params, headers, auth, content, time.monotonic(), follow_redirects) as (resp, req, start):
                try:
                    body, truncated = self._read(resp, req, start, self.max_response_bytes, truncate)
                except BodyDropped:
                    if attempt == 2 or req.method not in _SAFE_METHODS:
                        raise
                    continue  # nothing was handed back yet: a GET or HEAD is asked once more; the broken one stays in the transcript
                elapsed = (time.monotonic() - start) * 1000
                exchange = self._record(req, resp, body, truncated, elapsed)
                return LiveResponse(
                    status=resp.status_code,
                    headers=response_headers(resp.headers),
                    content=body,
                    truncated=truncated,
                    elapsed_ms=round(elapsed, 3),
                    url=self.redactor.url(str(resp.url)),
                    exchange=exchange,
                )
        raise AssertionError("unreachable: the second attempt returns or raises")

    @contextlib.contextmanager
    def stream(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        max_bytes: int | None = None,
        deadline_s: float | None = None,
        auth: bool = True,
    ) -> Iterator[LiveStream]:
        """A streamed GET for large downloads: its own byte cap and deadline (else the request deadline), enforced while iterating."""
        with self._open("GET", path_or_url, params, headers, auth, None, time.monotonic()) as (resp, req, start):
            live = LiveStream(self, resp, req, start, max_bytes, self.request_deadline_s if deadline_s is None else deadline_s)
            try:
                yield live
            finally:
                elapsed = (time.monotonic() - start) * 1000
                note = f"<streamed body: {live.bytes_read} bytes read>".encode()
                self._record(req, resp, note, False, elapsed)

    def evidence(self, response: LiveResponse) -> Exchange:
        """The redacted exchange behind `response`."""
        return response.exchange

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> SafeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------

    @contextlib.contextmanager
    def _open(
        self,
        method: str,
        path_or_url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        auth: bool,
        content: bytes | None,
        start: float,
        follow_redirects: bool = True,
    ) -> Iterator[tuple[httpx.Response, httpx.Request, float]]:
        """Send, following same-origin redirects and retrying 429/503; yields the open response and when it was sent."""
        method = method.upper()
        if method not in _SAFE_METHODS and not self.allow_writes:
            raise WriteRefused(f"{method} {self.redactor.url(path_or_url)} refused: the run is read-only (use --allow-writes)")
        try:
            url = self.resolve(path_or_url)
        except ValueError as exc:
            raise LiveRequestError(f"not a usable URL: {self.redactor.text(path_or_url)} ({exc})") from None
        waited, retries, hops, refreshed = 0.0, 0, 0, False
        while True:
            req = self._build(method, url, params, headers, auth, content)
            if origin_or_none(str(req.url)) != self.origin:
                raise OffOriginRequest(
                    f"refused to request {self.redactor.url(str(req.url))}: outside the sandbox's origin {self.redactor.url(self.base_url)}",
                    exchange=self._record(req, None, b"", False, 0.0, error="not sent: outside the sandbox's origin"),
                )
            if self.run_deadline is not None and time.monotonic() > self.run_deadline:
                raise RunDeadlineExceeded(
                    "the live run's time budget is spent; request not sent",
                    exchange=self._record(req, None, b"", False, 0.0, error="not sent: run deadline passed"),
                )
            slot = self._bucket.acquire()
            start = time.monotonic()  # the rate cap's wait counts toward neither the deadline nor the timing
            try:
                resp = self._send(req, start)
            finally:
                self._bucket.answered(slot)
            status = resp.status_code
            if status in _REDIRECTS and resp.headers.get("location") and hops < MAX_REDIRECTS:
                try:
                    target = urljoin(str(req.url), resp.headers["location"])
                except ValueError:
                    target = resp.headers["location"]  # unparseable: treated as another origin below
                if origin_or_none(target) != self.origin:
                    resp.close()  # recorded once, as the refusal's evidence
                    raise CrossOriginRedirect(
                        f"{self.redactor.url(str(req.url))} redirected to another origin ({self.redactor.url(target)}); not followed",
                        exchange=self._record(req, resp, b"", False, ms_since(start)),
                    )
                if follow_redirects:
                    self._discard(resp, req, start)
                    url, params, hops = target, None, hops + 1
                    if status == 303:
                        method, content = ("GET" if method != "HEAD" else "HEAD"), None
                    continue
            if status in (429, 503) and retries < MAX_RETRIES:
                delay = retry_after_seconds(resp.headers.get("retry-after"))
                delay = 1.0 if delay is None else delay
                if waited + delay <= MAX_RETRY_WAIT_S:
                    self._discard(resp, req, start)
                    self._sleep(delay)
                    waited, retries = waited + delay, retries + 1
                    continue
            if status == 401 and auth and not refreshed and hasattr(self.credentials, "token"):
                # an OAuth token may have been revoked early: fetch a fresh one once
                self._discard(resp, req, start)
                self.credentials.invalidate()
                refreshed = True
                continue
            try:
                yield resp, req, start
            finally:
                resp.close()
            return

    def _build(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        auth: bool,
        content: bytes | None,
    ) -> httpx.Request:
        """An httpx request with credentials (when `auth`) and extra headers."""
        merged: dict[str, str] = {}
        if auth:
            merged.update(self.credentials.headers())
        merged.update(headers or {})
        try:
            return self._http.build_request(method, url, params=dict(params) if params else None, headers=merged, content=content)
        except HTTPX_ERRORS as exc:
            raise LiveRequestError(f"could not build a request for {self.redactor.url(url)}: {self.redactor.text(str(exc))}") from None

    def _send(self, req: httpx.Request, start: float) -> httpx.Response:
        """Send `req`, headers bounded by the request deadline; httpx errors become LiveErrors.

        A GET or HEAD that finds its pooled keep-alive connection already closed by the server (no
        response at all) is sent once more on a fresh connection, as browsers and curl do; the failed
        attempt stays in the transcript.
        """
        resent = False
        while True:
            with self._sent_lock:
                self.requests_sent += 1
            try:
                with request_deadline(start + self.request_deadline_s):  # headers must arrive within the request deadline
                    return self._http.send(req, stream=True)
            except httpx.TimeoutException as exc:
                raise SandboxTimeout(self._why(req, exc, self._timed_out(start, "waiting for the response")), exchange=self._fail(req, exc, start)) from None
            except _DROPPED as exc:
                if resent or req.method not in _SAFE_METHODS:
                    raise SandboxUnreachable(self._why(req, exc, "failed"), exchange=self._fail(req, exc, start)) from None
                self._fail(req, exc, start)
                resent = True
            except HTTPX_ERRORS as exc:
                raise SandboxUnreachable(self._why(req, exc, "failed"), exchange=self._fail(req, exc, start)) from None

    def _read(
        self, resp: httpx.Response, req: httpx.Request, start: float, cap: int | None, truncate: bool
    ) -> tuple[bytes, bool]:
        """Read the body under the byte cap and the request deadline; (body, truncated)."""
        chunks: list[bytes] = []
        size = 0
        chunks_in = response_chunks(resp)  # inflated in bounded pieces, never by httpx's decoder
        try:
            while (chunk := next_chunk(chunks_in, start + self.request_deadline_s)) is not None:
                size += len(chunk)
                chunks.append(chunk)
                if cap is not None and size > cap:
                    if truncate:
                        return b"".join(chunks)[:cap], True
                    head = b"".join(chunks)  # _record cuts it to the evidence cap, after redaction
                    raise ResponseTooLarge(
                        f"{self.redactor.url(str(req.url))} sent more than the {cap}-byte response cap",
                        exchange=self._record(req, resp, head, True, ms_since(start), error=f"response over the {cap}-byte cap"),
                    )
                if time.monotonic() - start > self.request_deadline_s:
                    self._check_deadline(resp, req, start, self.request_deadline_s, b"".join(chunks))
        except ContentCodingError as exc:
            raise bad_coding(self, req, resp, start, exc) from None
        except httpx.TimeoutException as exc:
            raise SandboxTimeout(self._why(req, exc, self._timed_out(start, "reading the body")), exchange=self._fail(req, exc, start, resp)) from None
        except _DROPPED as exc:
            raise BodyDropped(self._why(req, exc, "failed reading the body"), exchange=self._fail(req, exc, start, resp)) from None
        except HTTPX_ERRORS as exc:
            raise SandboxUnreachable(self._why(req, exc, "failed reading the body"), exchange=self._fail(req, exc, start, resp)) from None
        return b"".join(chunks), False

    def _check_deadline(self, resp: httpx.Response, req: httpx.Request, start: float, limit: float | None, head: bytes) -> None:
        """SandboxTimeout when `limit` seconds have passed since `start`."""
        if limit is not None and time.monotonic() - start > limit:
            raise SandboxTimeout(
                f"{self.redactor.url(str(req.url))} did not finish its response within the {limit:g} s deadline",
                exchange=self._record(req, resp, head, True, ms_since(start), error=f"deadline of {limit:g} s passed"),
            )

    def _timed_out(self, start: float, when: str) -> str:
        """Which limit a timeout hit: the whole-request deadline or the per-read timeout."""
        if time.monotonic() - start >= self.request_deadline_s - 0.05:
            return f"passed the {self.request_deadline_s:g} s request deadline {when}"
        return f"timed out {when} (no data for {self.timeout:g} s)"

    def _discard(self, resp: httpx.Response, req: httpx.Request, start: float) -> None:
        """Record a response we will not use (a redirect, a retried 429) and close it without reading much."""
        self._record(req, resp, b"", False, ms_since(start))
        resp.close()

    def _why(self, req: httpx.Request, exc: Exception, what: str) -> str:
        """A one-line, redacted description of a failed request."""
        return f"{req.method} {self.redactor.url(str(req.url))} {what}: {type(exc).__name__}: {self.redactor.text(str(exc)) or 'no detail'}"

    def _fail(self, req: httpx.Request, exc: Exception, start: float, resp: httpx.Response | None = None) -> Exchange:
        """Record the evidence of a transport failure."""
        return self._record(req, resp, b"", False, ms_since(start), error=f"{type(exc).__name__}: {self.redactor.text(str(exc))}")

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
        """Build the redacted evidence of one exchange and keep it for the HAR transcript."""
        red = self.redactor
        req_headers = red.headers(req.headers.multi_items())
        req_body = red.text(req.content.decode("utf-8", "replace")) if req.content else None
        url = red.url(str(req.url))
        response = None
        if resp is not None:
            response = HttpResponse(
                status=resp.status_code,
                headers=red.headers(response_headers(resp.headers)),
                body=red.head(body, self.evidence_cap),  # redacted before the cut: no secret straddling it survives
                body_truncated=truncated or len(body) > self.evidence_cap,
                elapsed_ms=round(elapsed_ms, 3),
            )
        exchange = Exchange(
            request=HttpRequest(method=req.method, url=url, headers=req_headers, body=req_body),
            response=response,
            curl=curl_line(req.method, url, {k: v for k, v in req_headers.items() if k.lower() not in _CURL_SKIP}, req_body),
            error=error,
        )
        if not keep:
            return exchange
        if len(self.exchanges) < MAX_RECORDED_EXCHANGES:
            self.exchanges.append(exchange)
            self.exchange_times.append(time.time() - elapsed_ms / 1000)
        else:
            self.dropped_exchanges += 1
        return exchange


_CURL_SKIP = frozenset({"host", "content-length", "accept-encoding", "connection", "user-agent"})
