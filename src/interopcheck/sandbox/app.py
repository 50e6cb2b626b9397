"""The sandbox's starlette app: OAuth token, collections, items, repair writes and the OpenAPI document.

Everything under /v1 needs a bearer token from POST /oauth/token. Pages carry their records as
the stored JSON text, so a page is assembled from rows without parsing them (unless a fault has
to rewrite records). Export endpoints live in `exports.py`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import time
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from interopcheck.sandbox import deletions, documents, exports, returns, subject_access
from interopcheck.sandbox.codelists import codelist
from interopcheck.sandbox.faults import SLOW_EVERY, apply_record_faults, record_faults
from interopcheck.sandbox.openapi import build_spec
from interopcheck.sandbox.web import (
    HTML_TYPE,
    JSON_TYPE,
    TOKEN_LIFETIME_S,
    SandboxState,
    json_response,
    parse_since,
    problem,
    query_int,
    state_of,
    unauthorised,
)


def encode_cursor(seq: int) -> str:
    """The cursor of the page after row `seq` (documented as the pattern `^r[0-9]{1,18}$`)."""
    return f"r{seq}"


def decode_cursor(cursor: str) -> int:
    """The row seq a cursor continues after; ValueError when it is not one of ours."""
    if not re.fullmatch(r"r[0-9]{1,18}", cursor):
        raise ValueError("cursor is not valid: use the links.next URL of the previous page")
    return int(cursor[1:])


def render_rows(state: SandboxState, entity: str, rows: list[tuple[int, str]], *, drift: bool) -> list[bytes]:
    """Rows' JSON as served: untouched, or rewritten when a record fault or schema drift is on."""
    faults = record_faults(state.faults)
    if not faults and not drift:
        return [text.encode() for _, text in rows]
    out = []
    for seq, text in rows:
        record = apply_record_faults(faults, entity, seq, orjson.loads(text))
        if drift:
            record["legacy_ref"] = f"L{seq}"
        out.append(orjson.dumps(record))
    return out


async def _data_delay(state: SandboxState) -> None:
    """Under the `slow` fault, hold back one data response in SLOW_EVERY (counted, so tests need not time it)."""
    if "slow" in state.faults:
        with state.lock:
            state.data_responses += 1
            due = state.data_responses % SLOW_EVERY == 1
            state.delayed += due
        if due:
            await asyncio.sleep(state.slow_delay)


def _data_type(state: SandboxState) -> str:
    """The content type of data responses (text/html under `wrong-content-type`)."""
    return HTML_TYPE if "wrong-content-type" in state.faults else JSON_TYPE


async def list_collection(request: Request) -> Response:
    """GET /v1/<collection>: one page of records with links and the total."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    entity = request.scope["entity"]
    try:
        limit = query_int(request, "limit", 100, 1, 1000)
        cursor = request.query_params.get("cursor")
        after = decode_cursor(cursor) if cursor is not None else 0
        raw_since = request.query_params.get("updated_since")
        since = parse_since(raw_since) if raw_since is not None else None
    except ValueError as exc:
        return problem(state, 400, "Bad Request", str(exc), instance=request.url.path)
    if "no-updated-since" in state.faults:
        since = None
    await _data_delay(state)
    rows, more = state.store.page(entity, after=after, limit=limit, since=since)
    total: Any = state.store.count(entity, since)
    drift = "schema-drift" in state.faults
    links = {"self": str(request.url)}
    if more:
        nxt = request.url if "broken-pagination" in state.faults else request.url.include_query_params(cursor=encode_cursor(rows[-1][0]))
        links["next"] = str(nxt)
    meta = {"total": str(total) if drift else total}
    body = b'{"data":[' + b",".join(render_rows(state, entity, rows, drift=drift)) + b'],"links":' + orjson.dumps(links) + b',"meta":' + orjson.dumps(meta) + b"}"
    return json_response(body, content_type=_data_type(state))


async def get_item(request: Request) -> Response:
    """GET /v1/<collection>/{id}: one record, or a 404 problem."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    entity = request.scope["entity"]
    if "server-errors" in state.faults:
        return problem(state, 500, "Internal Server Error", "The server failed to read the record.", instance=request.url.path)
    await _data_delay(state)
    row = state.store.get(entity, request.path_params["id"])
    if row is None:
        return problem(state, 404, "Not Found", f"No {entity} has this id.", instance=request.url.path)
    (body,) = render_rows(state, entity, [row], drift="schema-drift" in state.faults)
    return json_response(body, content_type=_data_type(state))


def _repair_errors(state: SandboxState, body: Any) -> list[str]:
    """What is wrong with a POST /v1/repairs body (empty when it is acceptable); the priority in the product's field and codes."""
    if not isinstance(body, dict):
        return ["the body must be a JSON object"]
    prio_name = state.product.supplier_name("repair", "priority")
    errors = [f"unknown field {k!r}" for k in sorted(set(body) - {"property_id", prio_name, "description", "damp_and_mould"})]
    pid = body.get("property_id")
    if not isinstance(pid, str) or state.store.get("property", pid) is None:
        errors.append("property_id must be the id of an existing property")
    prio = body.get(prio_name)
    allowed = [state.product.to_supplier("repair", {"priority": c})[prio_name] for c in codelist("repair-priority")]
    if isinstance(prio, bool) or prio not in allowed:
        what = "the HACT WorkPriorityCode codes" if prio_name == "priority" else "our priority codes"
        errors.append(f"{prio_name} must be one of {what} " + ", ".join(map(repr, allowed)))
    desc = body.get("description")
    if not isinstance(desc, str) or not desc.strip() or len(desc) > 2000:
        errors.append("description must be a non-empty string of at most 2000 characters")
    if "damp_and_mould" in body and not isinstance(body["damp_and_mould"], bool):
        errors.append("damp_and_mould must be true or false")
    return errors


async def create_repair(request: Request) -> Response:
    """POST /v1/repairs: report a repair; 201 with the new record, 400/422 problems otherwise."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return problem(state, 400, "Bad Request", "The body is not JSON.", instance=request.url.path)
    if errors := _repair_errors(state, body):
        return problem(state, 422, "Unprocessable Content", "; ".join(errors), instance=request.url.path)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    first_status = codelist("repair-status")[0]  # a new repair has the list's first status

    product = state.product
    prio_name = product.supplier_name("repair", "priority")

    def build(new_id: str) -> tuple[str, str, str]:
        """The new repair's (id, updated_at, JSON text), in the product's shape."""
        record = {
            "id": new_id, "updated_at": now, "property_id": body["property_id"], "priority": product.to_national("repair", prio_name, body[prio_name]),
            "status": first_status, "status_history": [{"status": first_status, "at": now}],
            "description": body["description"], "raised_at": now, "reported_at": now, "damp_and_mould": body.get("damp_and_mould", False),
        }
        return new_id, now, orjson.dumps(product.to_supplier("repair", record)).decode()

    _, text = state.store.insert("repair", build, product)
    if state.published is not None:
        state.published.withdraw("repair")
    location = f"/v1/repairs/{orjson.loads(text)['id']}"
    return json_response(text.encode(), 201, {"Location": location})


def _token_error(state: SandboxState, status: int, code: str, detail: str, headers: dict[str, str]) -> Response:
    """An RFC 6749 token error that is also an RFC 9457 problem (`error` is an extension member)."""
    response = problem(state, status, "Unauthorized" if status == 401 else "Bad Request", detail, headers=headers)
    body = orjson.loads(response.body)
    body["error"] = code
    return json_response(body, status, headers, content_type=response.headers["content-type"])


async def token(request: Request) -> Response:
    """POST /oauth/token: OAuth 2.0 client credentials (RFC 6749 section 4.4), in the body or HTTP Basic."""
    state = state_of(request)
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, client_secret = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            client_id = client_secret = None
    headers = {"Cache-Control": "no-store"}
    if form.get("grant_type") != "client_credentials":
        return _token_error(state, 400, "unsupported_grant_type", "grant_type must be client_credentials.", headers)
    if client_id != state.client_id or client_secret != state.client_secret:
        headers["WWW-Authenticate"] = 'Basic realm="sandbox"'
        return _token_error(state, 401, "invalid_client", "Unknown client or wrong secret.", headers)
    body = {"access_token": state.issue_token(), "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S}
    return json_response(body, 200, headers)


async def openapi_json(request: Request) -> Response:
    """GET /openapi.json: the sandbox's own OpenAPI 3.1 document (public)."""
    return json_response(request.app.state.spec_bytes)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 answers, as problem+json (keeping headers such as Allow)."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    titles = {404: "Not Found", 405: "Method Not Allowed"}
    title = titles.get(status, "Error")
    headers = dict(getattr(exc, "headers", None) or {})
    return problem(state_of(request), status, title, str(getattr(exc, "detail", title)), headers=headers, instance=request.url.path)


async def _server_error(request: Request, exc: Exception) -> Response:
    """An unexpected exception, answered as a 500 problem."""
    return problem(state_of(request), 500, "Internal Server Error", "The sandbox failed.", instance=request.url.path)


def _entity_route(path: str, endpoint: Any, entity: str, methods: list[str]) -> Route:
    """A route whose handler knows which entity it serves."""
    async def handler(request: Request) -> Response:
        """Tag the request with the entity, then run the endpoint."""
        request.scope["entity"] = entity
        return await endpoint(request)

    return Route(path, handler, methods=methods)


def build_app(state: SandboxState) -> Starlette:
    """The sandbox's ASGI app over `state`."""
    routes = [Route("/oauth/token", token, methods=["POST"]), Route("/openapi.json", openapi_json, methods=["GET"])]
    routes += exports.routes()
    routes += returns.routes()  # the statutory returns (CORE lettings log, H-CLIC)
    routes += documents.routes(state.product.entities)
    routes += deletions.routes()
    for segment, entity in state.collections.items():
        routes.append(_entity_route(f"/v1/{segment}", list_collection, entity, ["GET"]))
        routes.append(_entity_route(f"/v1/{segment}/{{id}}", get_item, entity, ["GET"]))
    if "repair" in state.product.entities:
        routes.append(_entity_route("/v1/repairs", create_repair, "repair", ["POST"]))
    routes += subject_access.routes(state)
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error, Exception: _server_error})
    app.state.sandbox = state
    app.state.spec_bytes = orjson.dumps(build_spec(state.faults, state.product))
    return app
