"""What every sandbox endpoint shares: the app state, JSON and problem+json responses, auth, time filters.

Kept apart from the routes so the data, export and token endpoints answer errors, content types
and authentication the same way (and the faults that bend them act in one place).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from interopcheck.sandbox.products import REFERENCE, Product
from interopcheck.sandbox.published import PublishedExports
from interopcheck.sandbox.store import Store

JSON_TYPE = "application/json; charset=utf-8"
PROBLEM_TYPE = "application/problem+json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
PROBLEM_BASE = "https://sandbox.example-housing.test/problems/"
TOKEN_LIFETIME_S = 3600

#: Collection path segment -> entity, in the standard's order.
COLLECTIONS: dict[str, str] = {
    "properties": "property",
    "persons": "person",
    "tenancies": "tenancy",
    "rent-accounts": "rent-account",
    "rent-transactions": "rent-transaction",
    "repairs": "repair",
    "asb-cases": "asb-case",
    "homelessness-cases": "homelessness-case",
    "leaseholds": "leasehold",
    "documents": "document",
    "household-members": "household-member",
    "ta-placements": "ta-placement",
    "register-applications": "register-application",
    "voids": "void",
    "compliance-certificates": "compliance-certificate",
    "complaints": "complaint",
    "change-events": "change-event",
}
SEGMENTS: dict[str, str] = {entity: segment for segment, entity in COLLECTIONS.items()}


def collections_of(product: Product) -> dict[str, str]:
    """Collection path segment -> entity, for the entities `product` serves (in the standard's order)."""
    return {segment: entity for segment, entity in COLLECTIONS.items() if entity in product.entities}


@dataclass
class SandboxState:
    """The running sandbox's mutable state: data, faults, issued tokens and export jobs."""

    store: Store
    faults: frozenset[str]
    client_id: str
    client_secret: str
    records: int
    seed: int
    slow_delay: float
    product: Product = REFERENCE  # which entities are served, and in which fields and codes
    tokens: dict[str, float] = field(default_factory=dict)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    published: PublishedExports | None = None  # full exports as files (`SandboxServer` publishes them at start)
    data_responses: int = 0  # data responses answered under the `slow` fault
    delayed: int = 0  # of which held back (observable in tests)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def collections(self) -> dict[str, str]:
        """Collection path segment -> entity, for the entities the product serves."""
        return collections_of(self.product)

    def issue_token(self) -> str:
        """A new bearer token valid for an hour."""
        token = secrets.token_urlsafe(32)
        with self.lock:
            now = time.monotonic()
            self.tokens = {t: exp for t, exp in self.tokens.items() if exp > now}
            self.tokens[token] = now + TOKEN_LIFETIME_S
        return token

    def token_valid(self, token: str) -> bool:
        """Whether `token` was issued here and has not expired."""
        with self.lock:
            expiry = self.tokens.get(token)
        return expiry is not None and expiry > time.monotonic()


def state_of(request: Request) -> SandboxState:
    """The sandbox state of the app serving `request`."""
    return request.app.state.sandbox


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None, *, content_type: str = JSON_TYPE) -> Response:
    """A JSON response (`body` may be ready-made bytes) with a UTF-8 JSON content type."""
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return Response(content, status_code=status, headers=headers, media_type=content_type)


def problem(state: SandboxState, status: int, title: str, detail: str, *, headers: dict[str, str] | None = None, instance: str | None = None) -> Response:
    """An RFC 9457 problem response (plain JSON under the `no-problem-json` fault)."""
    if "no-problem-json" in state.faults:
        return json_response({"error": title, "message": detail}, status, headers)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    body: dict[str, Any] = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    return json_response(body, status, headers, content_type=PROBLEM_TYPE)


def unauthorised(request: Request) -> Response | None:
    """A 401 problem when `request` lacks a valid bearer token (None when it may go on)."""
    state = state_of(request)
    if "no-auth" in state.faults:
        return None
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip() and state.token_valid(token.strip()):
        return None
    challenge = 'Bearer realm="sandbox"' + (', error="invalid_token"' if header else "")
    detail = "A valid bearer token is required: get one from POST /oauth/token (client credentials)."
    return problem(state, 401, "Unauthorized", detail, headers={"WWW-Authenticate": challenge}, instance=request.url.path)


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_MAX_STAMP = "9999-12-31T23:59:59Z"


def _stamp(dt: datetime) -> str:
    """A UTC datetime as the stored stamp format (4-digit year even below 1000)."""
    return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}Z"


def parse_since(value: str) -> str:
    """RFC 3339 `value` as the UTC stamp that selects records with updated_at >= value; ValueError if malformed."""
    if not _RFC3339.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time (e.g. 2026-01-31T09:00:00Z)")
    text = value.replace("t", "T").replace("z", "+00:00").replace("Z", "+00:00").replace(" ", "T")
    dt = datetime.fromisoformat(text)  # raises ValueError for impossible dates
    try:
        utc = dt.astimezone(timezone.utc)
        if utc.microsecond:
            # Stored stamps are whole seconds, so ">= 12:00:00.5" means ">= 12:00:01".
            utc = utc.replace(microsecond=0) + timedelta(seconds=1)
    except OverflowError:
        return "0000-01-01T00:00:00Z" if dt.year < 5000 else _MAX_STAMP + "~"  # "~" sorts after any stamp
    return _stamp(utc)


def query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    """Integer query parameter `name` within [low, high]; ValueError otherwise."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]+", raw) or not low <= int(raw) <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}")
    return int(raw)
