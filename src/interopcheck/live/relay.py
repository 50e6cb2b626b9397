"""A loopback relay that sends schemathesis' requests through the safe client.

Schemathesis speaks `requests`: no response-size cap (its start-up probes buffer whatever the
server sends), and a redirect it follows may lead anywhere. Pointed at this relay instead of the
sandbox, every request it makes goes out through `SafeClient`, with its rate cap, timeouts and
deadline, byte cap, origin-bound redirects, redaction and transcript. A request the client
refuses or cannot complete is answered 502 with `X-Interopcheck-Refused` carrying the reason, so
the bridge reports it as a limit of the run, never as the sandbox's own server error; every
answer carries `X-Interopcheck-Exchange`, the index of the client's evidence for it.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlsplit

from interopcheck.errors import LiveError
from interopcheck.live.client import SafeClient
from interopcheck.live.response import origin_or_none
from interopcheck.model import Exchange

REFUSED_HEADER = "X-Interopcheck-Refused"
EXCHANGE_HEADER = "X-Interopcheck-Exchange"
#: Added to every request the relay forwards, so the sandbox's logs and the transcript tell schemathesis' traffic apart.
SOURCE_HEADER = "X-Interopcheck-Source"
#: The most of a request body the relay reads from schemathesis (its generated bodies are small).
MAX_REQUEST_BYTES = 1_000_000
#: Headers that describe one hop, not the message, or that each side sets for itself; and schemathesis'
#: random test-case id, which would make two runs with the same seed differ.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding", "content-encoding", "x-schemathesis-testcaseid"}
)


def from_schemathesis(exchange: Exchange) -> bool:
    """Whether `exchange` was one of schemathesis' requests (the relay marks every one it forwards)."""
    return any(name.lower() == SOURCE_HEADER.lower() for name in exchange.request.headers)


class Relay:
    """An HTTP server on 127.0.0.1 that forwards each request to the sandbox through `client`.

    Use as a context manager; `url` is the sandbox's base URL as seen through the relay and
    `evidence(n)` the client's redacted exchange behind the answer marked `n`.
    """

    def __init__(self, client: SafeClient) -> None:
        self.client = client
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._latency_s = 0.0  # total time the sandbox took to answer the requests forwarded so far
        self._answered = 0
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, name="interopcheck-relay", daemon=True)

    @property
    def origin(self) -> str:
        """The relay's own origin, `http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """The sandbox's base URL with the relay's origin in place of the sandbox's."""
        return self.origin + urlsplit(self.client.base_url).path

    def evidence(self, marker: str | None) -> Exchange | None:
        """The exchange recorded for the answer whose `X-Interopcheck-Exchange` header was `marker`."""
        try:
            return self._exchanges[int(marker or "")]
        except (ValueError, IndexError):
            return None

    def keep(self, exchange: Exchange | None) -> str:
        """Remember `exchange` and return its marker ("" when there is none)."""
        if exchange is None:
            return ""
        with self._lock:
            self._exchanges.append(exchange)
            return str(len(self._exchanges) - 1)

    def answered(self, elapsed_ms: float) -> None:
        """Count one answer the sandbox gave, and how long it took (for planning a run to the sandbox's pace)."""
        with self._lock:
            self._latency_s += elapsed_ms / 1000
            self._answered += 1

    @property
    def mean_latency_s(self) -> float:
        """The sandbox's mean answer time over the requests forwarded so far (0 before the first)."""
        with self._lock:
            return self._latency_s / self._answered if self._answered else 0.0

    def upstream(self, target: str) -> str:
        """The sandbox URL of a request line's target (origin-form, as `requests` sends it)."""
        parts = urlsplit(self.client.base_url)
        return f"{parts.scheme}://{parts.netloc}{target if target.startswith('/') else '/' + target}"

    def downstream(self, location: str, request_url: str) -> str:
        """A redirect's `Location` as schemathesis must see it: the sandbox's origin swapped for the relay's."""
        absolute = urljoin(request_url, location)
        if origin_or_none(absolute) != origin_or_none(self.client.base_url):
            return location  # not reached: the client refuses redirects that leave the sandbox's origin
        parts = urlsplit(absolute)
        return self.origin + parts.path + (f"?{parts.query}" if parts.query else "")

    def __enter__(self) -> Relay:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, relay: Relay) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.relay = relay


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: with Nagle on, each keep-alive answer waited 40 ms for a delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, *args: object) -> None:  # the relay never prints
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's names
        self._relay()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET  # noqa: N815

    def _relay(self) -> None:
        try:
            self._forward()
        except Exception as exc:  # noqa: BLE001 - the relay answers; it never prints a traceback or drops the line
            self._answer(502, {REFUSED_HEADER: f"the relay could not forward the request: {type(exc).__name__}"}, b"")

    def _forward(self) -> None:
        relay = self.server.relay
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = MAX_REQUEST_BYTES + 1
        if length > MAX_REQUEST_BYTES:
            self._answer(502, {REFUSED_HEADER: f"request body of {length} bytes over the relay's {MAX_REQUEST_BYTES}-byte cap"}, b"")
            return
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers[SOURCE_HEADER] = "schemathesis"
        url = relay.upstream(self.path)
        try:
            resp = relay.client.request(self.command, url, headers=headers, auth=False, content=body, follow_redirects=False)
        except LiveError as exc:
            marker = relay.keep(getattr(exc, "exchange", None))
            self._answer(502, {REFUSED_HEADER: _one_line(exc.message), EXCHANGE_HEADER: marker}, b"")
            return
        relay.answered(resp.elapsed_ms)
        out = [(k, v) for k, v in resp.headers.items() if k.lower() not in _HOP_BY_HOP]
        out = [(k, relay.downstream(v, url) if k.lower() == "location" else v) for k, v in out]
        out.append((EXCHANGE_HEADER, relay.keep(resp.exchange)))
        self._answer(resp.status, out, resp.content)

    def _answer(self, status: int, headers: dict[str, str] | list[tuple[str, str]], body: bytes) -> None:
        self.send_response_only(status)
        for name, value in headers.items() if isinstance(headers, dict) else headers:
            self.send_header(name, _one_line(value))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _one_line(text: str) -> str:
    """`text` as a header value: one line, latin-1 only."""
    return " ".join(str(text).split()).encode("latin-1", "replace").decode("latin-1")
