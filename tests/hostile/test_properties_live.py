"""Property: whatever bytes a server answers with, the network readers end in a result or their own error, in bounded time and memory.

Hypothesis writes whole HTTP responses (status lines, framing, Content-Encoding/-Length/-Type,
redirects, Retry-After, bodies from JSON to stacked-gzip bombs, cut short or not) and a raw-socket
server on 127.0.0.1 sends them byte for byte to the safe client (`get`, `head`, `stream`: only
LiveErrors), to the spec fetch (only SpecReadError) and to the token endpoint (only AuthError).
Memory is bounded by the growth of the process's peak RSS (a peak: each test is meant to run in a
process whose peak has not already gone past its own), time by a hang guard per example.
"""

from __future__ import annotations

import gzip
import resource
import socket
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from live_servers import serve_raw
from bombs import nested_gzip_bomb

from interopcheck.errors import LiveError
from interopcheck.live.client import SafeClient

CAP = 1_000_000
#: Peak RSS may grow by this much over the whole run: a bomb inflated in full would take gigabytes.
RSS_GROWTH_LIMIT = 400 * 1024**2
_CURRENT: dict[str, bytes] = {"wire": b""}


def _answer(conn: socket.socket, head: bytes) -> None:
    try:
        conn.sendall(_CURRENT["wire"])
    except OSError:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_raw(_answer) as url:
        yield url


def _json(n: int) -> bytes:
    return b'{"data": [' + b",".join(b'{"id": "%d"}' % i for i in range(n)) + b"]}"


def _raw_deflate(data: bytes) -> bytes:
    deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return deflater.compress(data) + deflater.flush()


BODIES = st.one_of(
    st.builds(_json, st.integers(0, 50)),
    st.binary(max_size=2048),
    st.builds(lambda n: gzip.compress(_json(n)), st.integers(0, 50)),
    st.builds(lambda n: zlib.compress(_json(n)), st.integers(0, 50)),
    st.builds(lambda n: _raw_deflate(_json(n)), st.integers(0, 50)),
    st.just(b"gzip-bomb"),  # placeholders, built once (below)
    st.just(b"nested-bomb"),
)
STATUSES = st.one_of(st.sampled_from([200, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 404, 429, 500, 503]), st.integers(100, 599))
ENCODINGS = st.sampled_from([None, "gzip", "deflate", "x-gzip", "GZIP", "identity", "gzip, gzip", "gzip, gzip, gzip", "deflate, gzip", "br", "zstd", "gzip,,identity", "\x7fgzip"])
TYPES = st.sampled_from([None, "application/json", "application/problem+json", "text/html", "application/json; charset=utf-16", "", ";;;"])
LENGTHS = st.sampled_from(["exact", "missing", "short", "long", "huge", "negative", "words", "twice", "chunked", "bad-chunks"])
LOCATIONS = st.sampled_from([None, "/v1/other", "http://interopcheck-elsewhere.invalid/x", "http://169.254.169.254/", "//evil.invalid/", "http://[::1", ""])
RETRY_AFTER = st.sampled_from([None, "0", "1", "soon", "99999", "Wed, 21 Oct 2015 07:28:00 GMT"])
EXTRA = st.lists(st.tuples(st.sampled_from(["X-A", "Set-Cookie", "Link", "Vary", "Content-Range"]), st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)), max_size=3)


@st.composite
def wire_responses(draw: Any) -> bytes:
    """One whole response as it goes on the wire, possibly malformed or cut short."""
    body = draw(BODIES)
    encoding = draw(ENCODINGS)
    if body == b"gzip-bomb":
        body, encoding = _gzip_bomb(), draw(st.one_of(st.just("gzip"), ENCODINGS))  # labelled as what it is, often
    elif body == b"nested-bomb":
        body, encoding = nested_gzip_bomb(1024, 3), draw(st.one_of(st.just("gzip, gzip, gzip"), ENCODINGS))
    status = draw(STATUSES)
    line = draw(st.sampled_from([f"HTTP/1.1 {status} Whatever", f"HTTP/1.0 {status}", f"HTTP/1.1 {status}", "HTTP/1.1 abc", "NOT HTTP", f"HTTP/2 {status}"]))
    headers: list[tuple[str, str]] = []
    for name, value in (("Content-Encoding", encoding), ("Content-Type", draw(TYPES)), ("Location", draw(LOCATIONS)), ("Retry-After", draw(RETRY_AFTER))):
        if value is not None:
            headers.append((name, value))
    headers += draw(EXTRA)
    framing = draw(LENGTHS)
    lengths = {"exact": str(len(body)), "short": str(max(0, len(body) - 7)), "long": str(len(body) + 100), "huge": "99999999999", "negative": "-5", "words": "ten"}
    if framing in lengths:
        headers.append(("Content-Length", lengths[framing]))
    elif framing == "twice":
        headers += [("Content-Length", str(len(body))), ("Content-Length", "3")]
    elif framing in ("chunked", "bad-chunks"):
        headers.append(("Transfer-Encoding", "chunked"))
        size = f"{len(body):x}" if framing == "chunked" else draw(st.sampled_from(["zz", "-1", "ffffffffffffffff", f"{len(body) + 9:x}"]))
        body = size.encode() + b"\r\n" + body + b"\r\n0\r\n\r\n"
    headers.append(("Connection", draw(st.sampled_from(["close", "keep-alive"]))))
    head = line + "\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    wire = head.encode("latin-1") + body
    cut = draw(st.one_of(st.none(), st.integers(0, len(wire))))
    return wire if cut is None else wire[:cut]


_BOMB: list[bytes] = []


def bomb_wire() -> bytes:
    """A 200 whose body is 1 GiB of zeros in three gzip layers, labelled as such (about 250 bytes)."""
    bomb = nested_gzip_bomb(1024, 3)
    return b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip, gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb) + bomb


def _gzip_bomb() -> bytes:
    """One gzip layer around 1 GiB of zeros (about 1 MB on the wire)."""
    if not _BOMB:
        _BOMB.append(gzip.decompress(gzip.decompress(nested_gzip_bomb(1024, 3))))
    return _BOMB[0]


def _use(client: SafeClient, how: str) -> None:
    if how == "get":
        client.get("/v1/things")
    elif how == "truncate":
        client.get("/v1/things", truncate=True)
    elif how == "head":
        client.head("/v1/things")
    else:
        with client.stream("/v1/things", max_bytes=CAP, deadline_s=3.0) as live:
            for _ in live.iter_bytes():
                pass


@pytest.mark.timeout(600)
def test_any_answer_ends_in_a_response_or_a_live_error(server: str) -> None:
    _gzip_bomb()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(wire=wire_responses(), how=st.sampled_from(["get", "truncate", "head", "stream"]))
    @example(wire=bomb_wire(), how="get")  # the attack that found the defect: always tried, whatever is drawn
    @example(wire=bomb_wire(), how="stream")
    def one(wire: bytes, how: str) -> None:
        _CURRENT["wire"] = wire
        started = time.monotonic()
        with SafeClient(server, timeout=1.0, request_deadline_s=3.0, max_response_bytes=CAP, rate=1000, sleep=lambda s: None) as client:
            try:
                _use(client, how)
            except LiveError:
                pass
        assert time.monotonic() - started < 30, "a hang guard, not a speed test"
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
        assert grown < RSS_GROWTH_LIMIT, f"peak memory grew by {grown / 1024**2:.0f} MiB"

    one()


@pytest.mark.timeout(600)
def test_any_answer_to_a_spec_url_ends_in_bytes_or_a_spec_read_error(server: str) -> None:
    from interopcheck.errors import SpecReadError
    from interopcheck.spec.load import fetch

    _gzip_bomb()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    @settings(max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(wire=wire_responses())
    @example(wire=b"HTTP/1.1 302 Found\r\nLocation: \x80\r\nContent-Length: 0\r\n\r\n")  # found by this test: exit 4
    @example(wire=bomb_wire())
    def one(wire: bytes) -> None:
        _CURRENT["wire"] = wire
        started = time.monotonic()
        try:
            raw = fetch(f"{server}/openapi.json", max_bytes=CAP, timeout=3.0)
        except SpecReadError:
            pass
        else:
            assert len(raw) <= CAP
        assert time.monotonic() - started < 30, "a hang guard, not a speed test"
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
        assert grown < RSS_GROWTH_LIMIT, f"peak memory grew by {grown / 1024**2:.0f} MiB"

    one()


@pytest.mark.timeout(600)
def test_any_answer_from_a_token_endpoint_ends_in_a_token_or_an_auth_error(server: str) -> None:
    from interopcheck.errors import AuthError
    from interopcheck.live.auth import OAuth2ClientCredentials
    from interopcheck.live.redact import Redactor

    _gzip_bomb()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(wire=wire_responses())
    @example(wire=bomb_wire())
    def one(wire: bytes) -> None:
        _CURRENT["wire"] = wire
        started = time.monotonic()
        creds = OAuth2ClientCredentials(token_url=f"{server}/token", client_id="c", client_secret="s", redactor=Redactor(), timeout=1.0)
        try:
            creds.headers()
        except AuthError:
            pass
        assert time.monotonic() - started < 30, "a hang guard, not a speed test"
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
        assert grown < RSS_GROWTH_LIMIT, f"peak memory grew by {grown / 1024**2:.0f} MiB"

    one()
