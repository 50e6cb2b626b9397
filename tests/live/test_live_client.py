"""The safe client: caps, deadlines, redirects, retries, rate, read-only mode, evidence, and no escaping httpx errors."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from hostile import hostile
from live_servers import serve_app, serve_raw
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from interopcheck.errors import LiveError, WriteRefused
from interopcheck.live.client import SafeClient
from interopcheck.live.failures import (
    BadContentEncoding,
    CrossOriginRedirect,
    InvalidBody,
    OffOriginRequest,
    ResponseTooLarge,
    RunDeadlineExceeded,
    SandboxTimeout,
    SandboxUnreachable,
)
from interopcheck.live.pacing import TokenBucket, retry_after_seconds
from interopcheck.live.redact import Redactor

pytestmark = pytest.mark.timeout(30)


def _app() -> Starlette:
    state = {"busy": 0}

    async def echo(request: Request) -> Response:
        return JSONResponse({"path": request.url.path, "query": str(request.url.query), "auth": request.headers.get("authorization")})

    async def moved(request: Request) -> Response:
        return RedirectResponse("/v1/echo?from=moved", status_code=302)

    async def busy(request: Request) -> Response:
        state["busy"] += 1
        if state["busy"] <= 2:
            return JSONResponse({"title": "slow down"}, status_code=429, headers={"Retry-After": "0"})
        return JSONResponse({"tries": state["busy"]})

    async def always_busy(request: Request) -> Response:
        return JSONResponse({}, status_code=503, headers={"Retry-After": "60"})

    return Starlette(
        routes=[
            Route("/v1/echo", echo, methods=["GET", "HEAD", "POST"]),
            Route("/v1/moved", moved),
            Route("/v1/busy", busy),
            Route("/v1/always-busy", always_busy),
        ]
    )


def client(url: str, **kw: object) -> SafeClient:
    return SafeClient(url, **{"rate": 1000.0, "timeout": 1.0, **kw})  # type: ignore[arg-type]


def test_get_resolves_paths_under_the_base_path_and_records_evidence() -> None:
    with serve_app(_app()) as url, client(url + "/v1") as c:
        resp = c.get("/echo", params={"a": "1"})
        again = c.get("/v1/echo")
    assert resp.status == 200 and resp.json()["path"] == "/v1/echo"
    assert again.json()["path"] == "/v1/echo"
    assert resp.exchange.request.url.endswith("/v1/echo?a=1")
    assert resp.exchange.curl.startswith("curl -sS") and "/v1/echo?a=1" in resp.exchange.curl
    assert resp.exchange.response is not None and resp.exchange.response.status == 200
    assert len(c.exchanges) == 2


def test_same_origin_redirect_followed_cross_origin_refused() -> None:
    with serve_app(_app()) as url, client(url) as c:
        resp = c.get("/v1/moved")
        assert resp.json()["query"] == "from=moved"
    with hostile("cross-redirect") as url, client(url) as c:
        with pytest.raises(CrossOriginRedirect, match="another origin") as err:
            c.get("/v1/anything")
    assert err.value.exchange is not None and err.value.exchange.response.status == 302


def test_requests_outside_the_origin_are_refused() -> None:
    with serve_app(_app()) as url, client(url) as c, pytest.raises(OffOriginRequest):
        c.get("http://interopcheck-elsewhere.invalid/x")


def test_retries_429_honouring_retry_after_then_gives_up_on_long_waits() -> None:
    slept: list[float] = []
    with serve_app(_app()) as url, client(url, sleep=slept.append) as c:
        assert c.get("/v1/busy").json() == {"tries": 3}
        assert slept == [0.0, 0.0]
        slept.clear()
        assert c.get("/v1/always-busy").status == 503  # Retry-After 60 s is over the 10 s budget: no wait
        assert slept == []


def test_writes_refused_unless_allowed() -> None:
    with serve_app(_app()) as url:
        with client(url) as c, pytest.raises(WriteRefused):
            c.request("POST", "/v1/echo", content=b"{}")
        with client(url, allow_writes=True) as c:
            assert c.request("POST", "/v1/echo", content=b"{}").status == 200
            assert c.head("/v1/echo").status == 200


def test_response_cap_raises_or_truncates() -> None:
    with hostile("gigabyte") as url, client(url, max_response_bytes=100_000) as c:
        with pytest.raises(ResponseTooLarge, match="100000-byte response cap"):
            c.get("/v1/big")
        resp = c.get("/v1/big", truncate=True)
    assert resp.truncated and len(resp.content) == 100_000


@pytest.mark.timeout(10)  # the trickle would take 200 s without the deadline
def test_trickling_server_hits_the_request_deadline() -> None:
    with hostile("trickle") as url, client(url, timeout=5.0, request_deadline_s=0.8) as c, pytest.raises(SandboxTimeout, match="deadline"):
        c.get("/v1/slow")


def test_hanging_server_times_out() -> None:
    with hostile("hang") as url, client(url, timeout=0.3) as c, pytest.raises(SandboxTimeout) as err:
        c.get("/v1/never")
    assert err.value.exchange is not None and "ReadTimeout" in (err.value.exchange.error or "")


def test_stream_enforces_its_own_cap_and_deadline() -> None:
    with hostile("gigabyte") as url, client(url, max_response_bytes=10) as c:
        with c.stream("/v1/big", max_bytes=200_000) as s, pytest.raises(ResponseTooLarge, match="stream cap"):
            assert s.status_code == 200
            for _ in s.iter_bytes():
                pass
        with c.stream("/v1/big", deadline_s=0.0) as s, pytest.raises(SandboxTimeout):
            for _ in s.iter_bytes():
                pass


def test_stream_reads_a_whole_body_within_caps() -> None:
    with serve_app(_app()) as url, client(url) as c:
        with c.stream("/v1/echo") as s:
            body = b"".join(s.iter_bytes())
            assert s.headers["content-type"] == "application/json"
    assert b"/v1/echo" in body
    assert c.exchanges[-1].response is not None and "streamed body" in (c.exchanges[-1].response.body or "")


def test_invalid_json_raises_invalid_body_with_evidence() -> None:
    with hostile("invalid-json") as url, client(url) as c:
        resp = c.get("/v1/x")
        with pytest.raises(InvalidBody) as err:
            resp.json()
    assert err.value.exchange is resp.exchange


def test_run_deadline_stops_requests() -> None:
    with serve_app(_app()) as url, client(url, run_deadline=time.monotonic() - 1) as c, pytest.raises(RunDeadlineExceeded):
        c.get("/v1/echo")


def _garbage(conn: socket.socket, head: bytes) -> None:
    conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")


def _close_midway(conn: socket.socket, head: bytes) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
    conn.close()


def _bad_gzip(conn: socket.socket, head: bytes) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnotgzip!!!")


@pytest.mark.parametrize("handler", [_garbage, _close_midway, _bad_gzip])
def test_no_httpx_exception_escapes(handler) -> None:  # type: ignore[no-untyped-def]
    with serve_raw(handler) as url, client(url) as c:
        with pytest.raises(LiveError) as err:
            c.get("/v1/x")
    assert not isinstance(err.value, httpx.HTTPError)
    assert isinstance(err.value, BadContentEncoding if handler is _bad_gzip else SandboxUnreachable)


def test_refused_connection_and_bad_urls_are_live_errors() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with client(f"http://127.0.0.1:{port}") as c, pytest.raises(SandboxUnreachable):
        c.get("/")
    with pytest.raises(LiveError):
        SafeClient("ftp://example.invalid/")
    with client(f"http://127.0.0.1:{port}") as c, pytest.raises(LiveError):
        c.get("http://[::1/broken")


def test_secrets_redacted_in_evidence_and_errors() -> None:
    secret = "s3cr3t-Token-Value"
    from interopcheck.live.auth import StaticHeader

    red = Redactor([secret])
    with serve_app(_app()) as url, client(url, credentials=StaticHeader("Authorization", f"Bearer {secret}"), redactor=red) as c:
        resp = c.get("/v1/echo", params={"note": secret})
    assert resp.json()["auth"] == f"Bearer {secret}"  # sent for real
    text = repr(c.exchanges)
    assert secret not in text and "[REDACTED]" in text


def test_token_bucket_paces_requests() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    bucket = TokenBucket(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(6):
        bucket.acquire()
    assert slept == [1.0, 1.0]  # 2 a second: two, then two more once the first second is over


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0


def _trickle_headers(conn: socket.socket, head: bytes) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
        conn.sendall(bytes([byte]))
        time.sleep(0.05)


@pytest.mark.timeout(8)  # the headers would take 10 s, each byte well within the 5 s read timeout
def test_trickled_headers_cannot_outlast_the_request_deadline() -> None:
    with serve_raw(_trickle_headers) as url, client(url, timeout=5.0, request_deadline_s=0.5) as c, pytest.raises(SandboxTimeout, match="deadline"):
        c.get("/v1/x")


@pytest.mark.parametrize("bad", ["ftp://h/", "http://", "http://h:99999/", "not a url"])
def test_unusable_base_urls_are_live_errors(bad: str) -> None:
    with pytest.raises(LiveError, match="cannot be used"):
        SafeClient(bad)


def _drops_first(conn: socket.socket, head: bytes) -> None:
    """Close the first connection without a word (a keep-alive connection the server timed out), answer the rest."""
    _drops_first.calls = getattr(_drops_first, "calls", 0) + 1  # type: ignore[attr-defined]
    if _drops_first.calls == 1:  # type: ignore[attr-defined]
        return
    body = b'{"ok": true}'
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))


def test_a_get_dropped_before_any_response_is_sent_once_more() -> None:
    _drops_first.calls = 0  # type: ignore[attr-defined]
    with serve_raw(_drops_first) as url, client(url) as c:
        resp = c.get("/x")
    assert resp.status == 200 and resp.json() == {"ok": True}
    assert [e.error is not None for e in c.exchanges] == [True, False]  # the failed attempt stays in the transcript


def test_a_write_dropped_before_any_response_is_not_resent() -> None:
    _drops_first.calls = 0  # type: ignore[attr-defined]
    with serve_raw(_drops_first) as url, client(url, allow_writes=True) as c, pytest.raises(SandboxUnreachable):
        c.request("POST", "/x", content=b"{}")
    assert _drops_first.calls == 1  # type: ignore[attr-defined]


def _trickle_body(conn: socket.socket, head: bytes) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 400\r\n\r\n")
    for _ in range(400):
        try:
            conn.sendall(b"a")
        except OSError:
            return
        time.sleep(0.05)


@pytest.mark.timeout(10)  # the body would take 20 s, each byte well within the read timeout
def test_a_stream_without_its_own_deadline_keeps_the_request_deadline() -> None:
    with serve_raw(_trickle_body) as url, client(url, timeout=5.0, request_deadline_s=0.5) as c:
        with c.stream("/v1/export.csv") as s, pytest.raises(SandboxTimeout):
            for _ in s.iter_bytes():
                pass


def _breaks_first_body(conn: socket.socket, head: bytes) -> None:
    """Send the headers and half the body, then reset the first connection; answer the rest whole."""
    _breaks_first_body.calls = getattr(_breaks_first_body, "calls", 0) + 1  # type: ignore[attr-defined]
    body = b'{"ok": true}'
    status = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    if _breaks_first_body.calls == 1 or _breaks_first_body.always:  # type: ignore[attr-defined]
        conn.sendall(status + body[:4])
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # close with a reset
        return
    conn.sendall(status + body)


def test_a_get_whose_body_breaks_off_is_asked_once_more() -> None:
    _breaks_first_body.calls, _breaks_first_body.always = 0, False  # type: ignore[attr-defined]
    with serve_raw(_breaks_first_body) as url, client(url) as c:
        resp = c.get("/x")
    assert resp.status == 200 and resp.json() == {"ok": True}
    assert [e.error is not None for e in c.exchanges] == [True, False]  # the broken attempt stays in the transcript
    assert "failed reading the body" not in (c.exchanges[1].error or "")


def test_a_body_that_breaks_off_twice_is_unreachable_with_its_evidence() -> None:
    _breaks_first_body.calls, _breaks_first_body.always = 0, True  # type: ignore[attr-defined]
    with serve_raw(_breaks_first_body) as url, client(url) as c, pytest.raises(SandboxUnreachable, match="failed reading the body") as info:
        c.get("/x")
    assert _breaks_first_body.calls == 2  # type: ignore[attr-defined]
    assert info.value.exchange is not None and info.value.exchange.error


def test_a_write_whose_body_breaks_off_is_not_resent() -> None:
    _breaks_first_body.calls, _breaks_first_body.always = 0, False  # type: ignore[attr-defined]
    with serve_raw(_breaks_first_body) as url, client(url, allow_writes=True) as c, pytest.raises(SandboxUnreachable):
        c.request("POST", "/x", content=b"{}")
    assert _breaks_first_body.calls == 1  # type: ignore[attr-defined]
