"""Fetch an API description (or a document it `$ref`s) over http(s), under the live client's rules.

The URL comes from the user, but what it answers comes from whoever runs the server: a redirect
to another host (or to the cloud metadata service at 169.254.169.254), a header trickled one byte
at a time, a body of stacked gzip layers. So: one overall deadline covers connecting, the headers
and the body (`net.transport`); redirects stay on the URL's origin unless other hosts are allowed;
every connection goes to a public address or one of the kind the user's own URL has
(`net.addresses`); the body is decoded one coding layer deep, counted against the byte cap as it is
inflated (`net.decoding`). Every failure is a one-line `SpecReadError`.
"""

from __future__ import annotations

import time
from urllib.parse import SplitResult, urljoin, urlsplit

import httpx

from interopcheck import __version__
from interopcheck.errors import SpecReadError
from interopcheck.net.addresses import AddressRefused, AddressRule
from interopcheck.net.decoding import ACCEPT_ENCODING, ContentCodingError, response_chunks
from interopcheck.net.transport import address_rule, deadline_transport, request_deadline

MAX_REDIRECTS = 5
MAX_HINT = "raise the limit with --max-spec-bytes"
_REDIRECTS = (301, 302, 303, 307, 308)
_ACCEPT = "application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5"
#: What httpx raises on a bad answer, a bad redirect target (UnicodeError, a ValueError, for a non-ASCII Location) included.
_HTTPX_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError)


def fetch(url: str, *, max_bytes: int, timeout: float, given: str | None = None, other_origins: bool = False) -> bytes:
    """GET `url`: 200 only, at most `max_bytes` decoded bytes, everything within `timeout` seconds.

    `given` is the URL or file the user named (default `url` itself): the kinds of address it has
    (loopback, private, link-local) may be connected to, besides public ones; a local file counts as
    loopback. Redirects to another origin are refused unless `other_origins`.
    """
    rule = _rule(given or url)
    deadline = time.monotonic() + timeout
    try:
        with (
            httpx.Client(
                timeout=timeout,
                follow_redirects=False,
                transport=deadline_transport(True),
                headers={"Accept": _ACCEPT, "Accept-Encoding": ACCEPT_ENCODING, "User-Agent": f"interopcheck/{__version__}"},
            ) as client,
            request_deadline(deadline),
            address_rule(rule),
        ):
            return _follow(client, url, max_bytes=max_bytes, deadline=deadline, other_origins=other_origins)
    except httpx.TimeoutException:
        raise SpecReadError(f"{url}: no complete answer within {timeout:g} s", hint="check the URL or raise the timeout") from None
    except AddressRefused as err:
        raise SpecReadError(f"{url}: {err}", hint="give a URL on that network yourself if you mean it") from None
    except ContentCodingError as err:
        raise SpecReadError(f"{url}: the body could not be decoded: {err}", hint="serve the document uncompressed or with one gzip layer") from None
    except _HTTPX_ERRORS as err:
        raise SpecReadError(f"{url}: cannot be fetched: {type(err).__name__}: {err}", hint="check the URL and the network") from None


def _rule(given: str) -> AddressRule:
    """The address rule for fetches that start from `given` (an http(s) URL, or a local file's URI)."""
    try:
        start = urlsplit(given)
        if start.scheme.lower() == "file":
            return AddressRule(frozenset({"loopback"}))
        if start.scheme.lower() in ("http", "https") and start.hostname:
            return AddressRule.for_url_host(start.hostname, _origin(start)[2] or 80)
    except ValueError:
        pass
    raise SpecReadError(f"{given}: not an http(s) URL with a host and port", hint="check the URL")


def _follow(client: httpx.Client, url: str, *, max_bytes: int, deadline: float, other_origins: bool) -> bytes:
    """GET `url`, following at most MAX_REDIRECTS redirects within the rules; the body's bytes."""
    target = url
    for _ in range(MAX_REDIRECTS + 1):
        with client.stream("GET", target) as response:
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                target = _next_hop(url, target, location, other_origins)
                continue
            if response.status_code != 200:
                raise SpecReadError(
                    f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                    hint="check the URL; it must answer 200 with the document",
                )
            return _body(url, response, max_bytes=max_bytes, deadline=deadline)
    raise SpecReadError(f"{url}: more than {MAX_REDIRECTS} redirects", hint="give the document's final URL")


def _next_hop(url: str, current: str, location: str, other_origins: bool) -> str:
    """Where a redirect from `current` leads, refused when it leaves http(s) or (unless allowed) the origin."""
    try:
        nxt = urljoin(current, location)
        parts = urlsplit(nxt)
        here = urlsplit(current)
        same = _origin(parts) == _origin(here)
    except ValueError:
        raise SpecReadError(f"{url}: redirected to an unusable location", hint="give the document's final URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SpecReadError(f"{url}: redirected to {nxt!r}, not an http(s) URL", hint="give the document's final URL")
    if not same and not other_origins:
        raise SpecReadError(
            f"{url}: redirected to another host ({parts.scheme}://{parts.netloc}); not followed",
            hint="give the document's final URL, or allow other hosts with --allow-remote-refs",
        )
    return nxt


def _origin(parts: SplitResult) -> tuple[str, str | None, int | None]:
    """(scheme, host, port) with the default port filled in."""
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, parts.port or {"http": 80, "https": 443}.get(scheme)


def _body(url: str, response: httpx.Response, *, max_bytes: int, deadline: float) -> bytes:
    """The decoded body, refused past `max_bytes` or the deadline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise SpecReadError(f"{url}: {int(declared):,} bytes is over the limit of {max_bytes:,}", hint=MAX_HINT)
    body = bytearray()
    for chunk in response_chunks(response):
        body += chunk
        if len(body) > max_bytes:
            raise SpecReadError(f"{url}: more than {max_bytes:,} bytes", hint=MAX_HINT)
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("deadline passed")
    return bytes(body)
