"""Credentials for the sandbox: a bearer token or API key from the environment, or OAuth 2.0 client credentials.

Secrets are read from environment variables only (never from the command line, so they stay
out of shell history and process lists) and every one is handed to the session's Redactor.
"""

from __future__ import annotations

import base64
import os
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

import httpx
import orjson

from interopcheck.errors import AuthError
from interopcheck.live.redact import Redactor
from interopcheck.net.decoding import ACCEPT_ENCODING, response_chunks
from interopcheck.net.transport import deadline_transport, request_deadline

#: A token is refreshed this many seconds before it says it expires.
EXPIRY_MARGIN_S = 30.0
#: The largest token response read (a token endpoint has no reason to send more).
MAX_TOKEN_RESPONSE = 1_000_000


class Credentials(Protocol):
    """Something that turns into request headers; `kind` names it in the report."""

    kind: str

    def headers(self) -> dict[str, str]:
        """Headers that authenticate one request (may fetch or refresh a token)."""
        ...

    def invalidate(self) -> None:
        """Forget a cached token so the next request fetches a fresh one."""
        ...


@dataclass
class NoCredentials:
    """No credentials configured: requests go out unauthenticated."""

    kind: str = "none"

    def headers(self) -> dict[str, str]:
        """No headers."""
        return {}

    def invalidate(self) -> None:
        """Nothing to forget."""


@dataclass
class StaticHeader:
    """A fixed credential header: a bearer token (`Authorization: Bearer ...`) or an API key."""

    name: str
    value: str
    kind: str = "bearer"

    def headers(self) -> dict[str, str]:
        """The one credential header."""
        return {self.name: self.value}

    def invalidate(self) -> None:
        """A static credential cannot be refreshed."""


@dataclass
class OAuth2ClientCredentials:
    """OAuth 2.0 client-credentials grant (RFC 6749 section 4.4), cached and refreshed before expiry."""

    token_url: str
    client_id: str
    client_secret: str
    redactor: Redactor
    scope: str | None = None
    timeout: float = 10.0
    verify: Any = True
    clock: Callable[[], float] = time.monotonic
    transport: httpx.BaseTransport | None = None
    kind: str = "oauth2-client-credentials"
    _token: str | None = field(default=None, repr=False)
    _expires_at: float = 0.0
    issued: int = 0  # how many tokens were fetched (the report shows refreshes)

    def token(self) -> str:
        """A valid access token, fetched when none is cached or the cached one is about to expire."""
        if self._token is None or self.clock() >= self._expires_at - EXPIRY_MARGIN_S:
            self._fetch()
        assert self._token is not None
        return self._token

    def headers(self) -> dict[str, str]:
        """`Authorization: Bearer <token>`."""
        return {"Authorization": f"Bearer {self.token()}"}

    def invalidate(self) -> None:
        """Drop the cached token (after a 401, say)."""
        self._token = None

    def _fetch(self) -> None:
        """Fetch a token, trying client_secret_basic then client_secret_post."""
        data = {"grant_type": "client_credentials"}
        if self.scope:
            data["scope"] = self.scope
        basic = base64.b64encode(f"{quote(self.client_id, safe='')}:{quote(self.client_secret, safe='')}".encode()).decode()
        self.redactor.add(basic)
        # client_secret_basic first (RFC 6749 2.3.1); servers that only take the secret in the body get a second try
        attempts = [
            ({"Authorization": f"Basic {basic}"}, data),
            ({}, {**data, "client_id": self.client_id, "client_secret": self.client_secret}),
        ]
        status, body = 0, b""
        for headers, form in attempts:
            status, body = self._post(headers, form)
            if status not in (400, 401):
                break
        if status != 200:
            detail = self.redactor.head(body, 300)  # redacted before the cut
            raise TokenRefused(
                f"the token endpoint {self.redactor.url(self.token_url)} refused the client credentials (HTTP {status}): {detail}",
                status=status, error=_oauth_error(body),
            )
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise AuthError(f"the token endpoint {self.redactor.url(self.token_url)} did not return JSON: {exc}") from None
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            raise AuthError(f"the token endpoint {self.redactor.url(self.token_url)} returned no access_token")
        self.redactor.add(token)
        expires_in = payload.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) and expires_in > 0 else 3600.0
        self._token = token
        self._expires_at = self.clock() + lifetime
        self.issued += 1

    def _post(self, headers: Mapping[str, str], form: dict[str, str]) -> tuple[int, bytes]:
        """POST the token request under a byte cap; (status, body)."""
        url = self.redactor.url(self.token_url)
        transport = self.transport or deadline_transport(self.verify)
        try:
            with (
                httpx.Client(timeout=self.timeout, verify=self.verify, transport=transport, follow_redirects=False) as client,
                request_deadline(time.monotonic() + max(3 * self.timeout, self.timeout + 5)),  # headers included
                client.stream("POST", self.token_url, data=form, headers={"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING, **headers}) as resp,
            ):
                chunks, size = [], 0
                # the body inflated in bounded pieces (net.decoding), never by httpx's unbounded decoder
                for chunk in response_chunks(resp):
                    size += len(chunk)
                    if size > MAX_TOKEN_RESPONSE:
                        raise AuthError(f"the token endpoint {url} sent more than {MAX_TOKEN_RESPONSE} bytes")
                    chunks.append(chunk)
                return resp.status_code, b"".join(chunks)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError) as exc:
            raise AuthError(f"the token endpoint {url} could not be reached: {type(exc).__name__}: {self.redactor.text(str(exc))}") from None


class TokenRefused(AuthError):
    """The token endpoint answered but issued no token: `status` and the OAuth `error` code (RFC 6749 5.2), when given."""

    def __init__(self, message: str, *, status: int, error: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error


def _oauth_error(body: bytes) -> str | None:
    """The `error` code of an OAuth error response (`invalid_client`...), when the body is one."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    code = payload.get("error") if isinstance(payload, dict) else None
    return code if isinstance(code, str) and code.isascii() and code.isprintable() and len(code) <= 60 else None


def _env(name: str, what: str, env: Mapping[str, str]) -> str:
    """The value of environment variable `name`, or an AuthError naming it (never its value)."""
    value = env.get(name)
    if not value:
        raise AuthError(f"the environment variable {name} ({what}) is not set or empty")
    return value


def credentials_from_options(
    options: Any,
    redactor: Redactor,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Credentials:
    """The credentials `options` (a LiveOptions) configure, every secret registered with `redactor`."""
    env = os.environ if env is None else env
    if getattr(options, "token_url", None):
        if not options.client_id or not options.client_secret_env:
            raise AuthError("OAuth 2.0 client credentials need --client-id and --client-secret-env with --token-url")
        secret = _env(options.client_secret_env, "OAuth 2.0 client secret", env)
        redactor.add(secret)
        return OAuth2ClientCredentials(
            token_url=options.token_url,
            client_id=options.client_id,
            client_secret=secret,
            redactor=redactor,
            scope=options.scope,
            timeout=options.timeout,
            verify=ssl.create_default_context(cafile=options.ca_bundle) if options.ca_bundle else True,
            transport=transport,
        )
    if getattr(options, "token_env", None):
        token = _env(options.token_env, "bearer token", env)
        redactor.add(token)
        return StaticHeader("Authorization", f"Bearer {token}", kind="bearer")
    if getattr(options, "api_key_env", None):
        key = _env(options.api_key_env, "API key", env)
        header = options.api_key_header or "Authorization"
        redactor.add(key)
        redactor.add_header(header)
        return StaticHeader(header, key, kind="api-key")
    return NoCredentials()
