"""A live session: the options of a sandbox run, the safe client with its credentials, and the start-up probe.

`open_session` fails fast (LiveError/AuthError) when the sandbox cannot be used at all, so the
engine marks the live checks `error` and the run `incomplete` instead of failing the supplier.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from interopcheck.errors import AuthError, LiveError
from interopcheck.live.auth import Credentials, credentials_from_options
from interopcheck.live.client import LiveResponse, SafeClient
from interopcheck.live.failures import CrossOriginRedirect, LiveRequestError
from interopcheck.live.redact import Redactor
from interopcheck.model import Exchange

if TYPE_CHECKING:
    from interopcheck.declaration import Declaration
    from interopcheck.spec.index import SpecIndex


@dataclass(frozen=True)
class LiveOptions:
    """How to reach and treat the sandbox (the CLI's live flags); holds env var names, never secrets."""

    base_url: str
    rate: float = 10.0
    timeout: float = 10.0
    max_response_bytes: int = 10_000_000
    ca_bundle: str | None = None
    allow_writes: bool = False
    token_env: str | None = None
    api_key_env: str | None = None
    api_key_header: str = "Authorization"
    token_url: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    scope: str | None = None
    run_deadline_s: float = 300.0
    request_deadline_s: float | None = None  # whole-request limit; default max(3 x timeout, timeout + 5)


class LiveSession:
    """What live checks use: the safe client, the spec index, the declaration and the recorded exchanges."""

    def __init__(
        self,
        options: LiveOptions,
        client: SafeClient,
        credentials: Credentials,
        redactor: Redactor,
        index: SpecIndex | None,
        declaration: Declaration | None,
    ) -> None:
        self.options = options
        self.base_url = client.base_url
        self.client = client
        self.credentials = credentials
        self.redactor = redactor
        self.index = index
        self.declaration = declaration
        self.started = time.monotonic()
        self.deadline = client.run_deadline
        self.probe: LiveResponse | None = None
        self.probe_error: LiveRequestError | None = None

    @property
    def exchanges(self) -> tuple[Exchange, ...]:
        """Every exchange so far, redacted, in order (for the HAR transcript)."""
        return tuple(self.client.exchanges)

    @property
    def exchange_times(self) -> tuple[float, ...]:
        """When each of `exchanges` started (epoch seconds), for the transcript's timeline."""
        return tuple(self.client.exchange_times)

    @property
    def auth_kind(self) -> str:
        """none, bearer, api-key or oauth2-client-credentials."""
        return self.credentials.kind

    def evidence(self, response: LiveResponse) -> Exchange:
        """The redacted exchange behind `response`."""
        return response.exchange

    def remaining_s(self) -> float:
        """Seconds left of the run's live time budget."""
        return max(0.0, (self.deadline or float("inf")) - time.monotonic())

    def close(self) -> None:
        """Release the connection pool."""
        self.client.close()


def open_session(
    options: LiveOptions,
    index: SpecIndex | None,
    declaration: Declaration | None,
    *,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    redactor: Redactor | None = None,
) -> LiveSession:
    """Set up credentials and the client and probe the base URL; LiveError/AuthError when unusable.

    `redactor` is the run's (it learns every token issued here); a fresh one when not given.
    """
    redactor = redactor if redactor is not None else Redactor()
    credentials = credentials_from_options(options, redactor, os.environ if env is None else env, transport=None)
    client = SafeClient(
        options.base_url,
        timeout=options.timeout,
        max_response_bytes=options.max_response_bytes,
        rate=options.rate,
        ca_bundle=options.ca_bundle,
        allow_writes=options.allow_writes,
        credentials=credentials,
        redactor=redactor,
        run_deadline=time.monotonic() + options.run_deadline_s,
        request_deadline_s=options.request_deadline_s,
        transport=transport,
    )
    session = LiveSession(options, client, credentials, redactor, index, declaration)
    try:
        credentials.headers()  # fetch an OAuth token now: a refused one makes every live check meaningless
        session.probe = client.get("/", truncate=True)
    except CrossOriginRedirect as exc:
        session.probe_error = exc  # it answered: reachable, and live.reachable reports the redirect
    except LiveError as exc:
        client.close()
        kind = AuthError if isinstance(exc, AuthError) else LiveError
        raise kind(f"the sandbox {redactor.url(options.base_url)} is not usable: {exc.message}") from exc  # engine.preflight reads the cause
    except Exception:
        client.close()
        raise
    return session

