"""The preflight of a live run: is the set-up usable before the long run starts?

Three steps, in the order a user would debug them: the base URL answers; the token endpoint issues a
token (when OAuth options are given); an authenticated GET of a data collection the declaration maps
(else the spec's first GET collection that needs credentials) is accepted (not 401/403). The first step that fails gives the
cause in one plain line (`connection refused at http://127.0.0.1:9`; `the token endpoint refused the
client credentials: HTTP 401 invalid_client`), so a set-up mistake is never mistaken for a bidder's
failure: the engine then runs no live or export check, and the verdict is `incomplete` (exit 3).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import declared_collections
from interopcheck.errors import AuthError, LiveError
from interopcheck.spec.operations import requires_credentials

#: Statuses that say the credentials were not accepted for the data.
REFUSED = (401, 403)


@dataclass(frozen=True)
class Preflight:
    """The preflight's outcome: ok, or the one-line cause of the set-up mistake."""

    ok: bool
    cause: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The report's `summary.preflight` member."""
        return {"ok": self.ok, "cause": self.cause}


def run_preflight(options: Any, ctx: CheckContext, redactor: Any) -> tuple[Any, Preflight]:
    """(the open live session or None, the preflight outcome) for the sandbox `options` (a LiveOptions) names."""
    from interopcheck.live.session import open_session

    base = redactor.url(options.base_url)
    try:
        session = open_session(options, ctx.index, ctx.declaration, redactor=redactor)
    except LiveError as exc:
        # open_session asks for the token before it probes the base URL; a user debugs the other way round,
        # so on failure (only: one more request, under its own rate cap) the base URL is asked on its own first
        token_url = redactor.url(options.token_url) if options.token_url else None
        return None, Preflight(False, _base_url_cause(options, redactor, base) or _session_cause(exc, base, token_url))
    if session.auth_kind == "none":  # without credentials a 401 on data is what a secured API should answer
        return session, Preflight(True)
    cause = _data_cause(session, ctx)
    if cause is not None:
        session.close()
        return None, Preflight(False, cause)
    return session, Preflight(True)


def _base_url_cause(options: Any, redactor: Any, base: str) -> str | None:
    """Why the base URL does not answer at all (None when it answers, whatever the status)."""
    from interopcheck.live.auth import NoCredentials
    from interopcheck.live.client import SafeClient
    from interopcheck.live.failures import CrossOriginRedirect, SandboxTimeout, SandboxUnreachable

    try:
        client = SafeClient(
            options.base_url, timeout=options.timeout, max_response_bytes=options.max_response_bytes, rate=options.rate,
            ca_bundle=options.ca_bundle, credentials=NoCredentials(), redactor=redactor,
            run_deadline=time.monotonic() + options.run_deadline_s, request_deadline_s=options.request_deadline_s,
        )
    except LiveError as exc:
        return f"the base URL {base} cannot be used: {exc.message}"
    try:
        client.get("/", auth=False, truncate=True)
    except CrossOriginRedirect:
        return None  # it answered; live.reachable reports the redirect
    except SandboxTimeout:
        return f"no answer from {base} within {options.timeout:g} s"
    except SandboxUnreachable as exc:
        return connection_cause(exc.message, base)
    except LiveError as exc:
        return f"the base URL {base} did not answer usably: {exc.message}"
    finally:
        client.close()
    return None


def connection_cause(message: str, url: str, fallback: str | None = None) -> str:
    """A transport failure's message as one plain line naming `url` (`fallback`, if given, when the kind is not known)."""
    low = message.lower()
    if "refused" in low:
        return f"connection refused at {url}"
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low:
        return f"the host of {url} is not known (DNS)"
    if "certificate" in low or "ssl" in low:
        return f"the TLS handshake with {url} failed (certificate not trusted? see --ca-bundle)"
    return fallback or f"{url} could not be reached: {message}"


def _session_cause(exc: LiveError, base: str, token_url: str | None = None) -> str:
    """The one-line cause of an `open_session` failure, from the error it wraps."""
    from interopcheck.live.auth import TokenRefused
    from interopcheck.live.failures import SandboxTimeout, SandboxUnreachable

    inner = exc.__cause__ if isinstance(exc.__cause__, LiveError) else exc
    if isinstance(inner, SandboxTimeout):
        return f"no answer from {base} within the timeout"
    if isinstance(inner, SandboxUnreachable):
        return connection_cause(inner.message, base)
    if isinstance(inner, TokenRefused):
        code = f" {inner.error}" if inner.error else ""
        return f"the token endpoint refused the client credentials: HTTP {inner.status}{code}"
    if isinstance(inner, AuthError) and token_url and "could not be reached" in inner.message:
        return connection_cause(inner.message, f"the token endpoint {token_url}", fallback=inner.message)
    if isinstance(inner, AuthError):
        return inner.message
    return f"the sandbox {base} is not usable: {inner.message}"


def _data_target(ctx: CheckContext) -> str | None:
    """The data collection to try: the first the declaration maps, else the spec's first parameterless GET that needs credentials."""
    for _entity, _mapping, path in declared_collections(ctx):
        return path
    if ctx.index is None:
        return None
    collections = [op for op in ctx.index.operations if op.method == "get" and "{" not in op.path and op.path != "/"]
    secured = [op for op in collections if requires_credentials(op, ctx.index.data)]  # a public /health proves nothing
    return next((op.path for op in (*secured, *collections)), None)


def _data_cause(session: Any, ctx: CheckContext) -> str | None:
    """Why an authenticated GET of a data collection is refused (None when it is accepted, or there is none to try).

    Only 401 and 403 are the set-up's fault; any other answer, or none, is the bidder's, and the checks judge it.
    """
    path = _data_target(ctx)
    if path is None:
        return None
    try:
        response = session.client.get(path, truncate=True)
    except LiveError:
        return None  # the sandbox answered at its base URL: a slow or broken collection is for the checks to report
    if response.status in REFUSED:
        return f"the sandbox refused the credentials for GET {path}: HTTP {response.status}"
    return None
